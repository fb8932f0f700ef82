// Application Insights on a Log Analytics workspace. Workspace-based, so the host's and the
// worker's telemetry land in the workspace tables the alert rules query (AppMetrics, AppTraces,
// AppRequests, AppExceptions).
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

@description('Reject ingestion that is not Entra ID authenticated (see main.bicep).')
param localAuthDisabled bool

@description('Principal id of the function app\'s user-assigned identity.')
param identityPrincipalId string

// Built-in role: Monitoring Metrics Publisher.
var monitoringMetricsPublisherRole = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: localAuthDisabled
  }
}

// Monitoring Metrics Publisher: the least role that lets an identity send telemetry with
// Entra ID. The Functions host uses it (APPLICATIONINSIGHTS_AUTHENTICATION_STRING names the
// identity); it is what makes `localAuthDisabled` possible at all.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityPrincipalId, monitoringMetricsPublisherRole)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRole)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output workspaceId string = workspace.id
output workspaceName string = workspace.name
output applicationInsightsName string = appInsights.name
