// Everything `azd up` provisions for UserSync (docs/architecture.md; walkthrough in docs/deploy.md):
// a Flex Consumption function app running the .NET isolated worker as a user-assigned identity, its
// storage (deployment container, alert queue and poison queue) reached by that identity only,
// Application Insights on a Log Analytics workspace, Key Vault holding the database connection
// string and the alert channels' secrets, optional Azure Communication Services email, an action group and the alert rules.
//
// Written by hand on a machine without a Bicep compiler: run `az bicep build --file infra/main.bicep`
// before the first `azd up`. tests/UserSync.Infra.Tests checks what text alone can check.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name. Names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@secure()
@description('Npgsql connection string of the monitor\'s database login (a role holding user_sync_monitor). Stored only as a Key Vault secret.')
param databaseConnectionString string

@secure()
@description('Slack incoming-webhook URL for the Slack alert channel. Stored only as a Key Vault secret. Empty: no Slack channel.')
param slackWebhookUrl string

@secure()
@description('PagerDuty Events API v2 routing key for the PagerDuty alert channel. Stored only as a Key Vault secret. Empty: no PagerDuty channel.')
param pagerDutyRoutingKey string

@description('Email address the Azure Monitor alert rules notify (the action group\'s receiver), and with deployEmail the app\'s email channel.')
param alertEmailAddress string

@minLength(1)
@maxLength(32)
@description('UserSync__Environment: short environment name in alerts and dedup keys (a-z, 0-9 and -).')
param userSyncEnvironment string = 'prod'

@description('DailyCheckSchedule: NCRONTAB with seconds, in UTC.')
param dailyCheckSchedule string = '0 0 2 * * *'

@description('IncrementalCheckSchedule: NCRONTAB with seconds, in UTC (the cheap check of new signups; docs/incremental-check.md).')
param incrementalCheckSchedule string = '0 */10 * * * *'

@description('UserSync__AutoRepair__Enabled: repair ghosts automatically after a scheduled run when it is safe (docs/runbook.md).')
param autoRepairEnabled bool = false

@minValue(1)
@maxValue(1000000)
@description('UserSync__AutoRepair__MaxGhosts: more ghosts than this in one run are left to a person.')
param autoRepairMaxGhosts int = 1000

@minValue(1)
@maxValue(100000)
@description('UserSync__AutoRepair__BatchSize: ghosts per automatic repair transaction.')
param autoRepairBatchSize int = 500

@minValue(1)
@maxValue(3600)
@description('UserSync__StatementTimeoutSeconds: upper bound of every statement the monitor runs.')
param statementTimeoutSeconds int = 120

@description('UserSync__MaskPii: mask emails and shorten ids in alerts and output.')
param maskPii bool = true

@description('UserSync__RunbookUrl: each alert links here with its check as the fragment.')
param runbookUrl string = 'https://github.com/usersync/usersync/blob/main/docs/runbook.md'

@minValue(0)
@maxValue(20)
@description('UserSync__AlertSamples: masked examples per alert.')
param alertSamples int = 3

@description('Also create Azure Communication Services with an email service and an Azure-managed sender domain.')
param deployEmail bool = false

@description('Where Communication Services keeps its data at rest (for example "United States", "Europe").')
param emailDataLocation string = 'United States'

@minValue(1)
@maxValue(1000)
@description('Flex Consumption scale-out limit. Every instance may hold database connections: keep it small.')
param maximumInstanceCount int = 10

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption instance memory in MB.')
param instanceMemoryMB int = 2048

@description('Reject Application Insights ingestion that is not Entra ID authenticated. Turn on only once the worker\'s Azure Monitor exporter authenticates with the identity (see docs/deploy.md), or its metrics are dropped.')
param appInsightsLocalAuthDisabled bool = false

@description('Application (client) id of the dashboard\'s Microsoft Entra app registration (docs/deploy.md, "Dashboard sign-in"). Set: App Service Authentication signs users of the tenant in, UserSync__Dashboard__Authentication=AppService. Empty: no sign-in, and the dashboard\'s JSON is Off (refuses everyone).')
param dashboardClientId string = ''

@description('UserSync__Dashboard__AdminRole: the app role (value) of that registration that the dashboard\'s actions (run checks, repair) need.')
param dashboardAdminRole string = 'UserSync.Admin'

@description('Object id of whoever runs azd (set by azd as AZURE_PRINCIPAL_ID). Gets queue and secret access for the smoke checks and rotation. Empty: no grants.')
param principalId string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  app: 'usersync'
}

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-usersync-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-usersync-${resourceToken}'
    applicationInsightsName: 'appi-usersync-${resourceToken}'
    location: location
    tags: tags
    localAuthDisabled: appInsightsLocalAuthDisabled
    identityPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stusersync${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'usersync-package'
    identityPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-usersync-${take(resourceToken, 10)}'
    location: location
    tags: tags
    databaseConnectionString: databaseConnectionString
    slackWebhookUrl: slackWebhookUrl
    pagerDutyRoutingKey: pagerDutyRoutingKey
    identityPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-usersync-${resourceToken}'
    planName: 'plan-usersync-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    databaseConnectionStringUri: keyVault.outputs.databaseConnectionStringUri
    userSyncEnvironment: userSyncEnvironment
    statementTimeoutSeconds: statementTimeoutSeconds
    maskPii: maskPii
    runbookUrl: runbookUrl
    alertSamples: alertSamples
    dailyCheckSchedule: dailyCheckSchedule
    incrementalCheckSchedule: incrementalCheckSchedule
    autoRepairEnabled: autoRepairEnabled
    autoRepairMaxGhosts: autoRepairMaxGhosts
    autoRepairBatchSize: autoRepairBatchSize
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    acsEndpoint: deployEmail ? email.outputs.endpoint : ''
    acsSenderAddress: deployEmail ? email.outputs.senderAddress : ''
    acsRecipient: deployEmail ? alertEmailAddress : ''
    slackWebhookUrlUri: keyVault.outputs.slackWebhookUrlUri
    pagerDutyRoutingKeyUri: keyVault.outputs.pagerDutyRoutingKeyUri
    dashboardClientId: dashboardClientId
    dashboardAdminRole: dashboardAdminRole
  }
}

module email 'modules/email.bicep' = if (deployEmail) {
  name: 'email'
  scope: rg
  params: {
    communicationServiceName: 'acs-usersync-${resourceToken}'
    emailServiceName: 'ecs-usersync-${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: 'ag-usersync-${resourceToken}'
    alertEmailAddress: alertEmailAddress
    workspaceId: monitoring.outputs.workspaceId
    runbookUrl: runbookUrl
  }
}

// azd writes these to .azure/<env>/.env; the hooks and docs/deploy.md use them. Names and
// endpoints only: no key, connection string or secret value is ever an output.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceId
output USERSYNC_EMAIL_ENDPOINT string = deployEmail ? email.outputs.endpoint : ''
output USERSYNC_DASHBOARD_URL string = 'https://${functionApp.outputs.defaultHostName}/api/user-sync/dashboard'
output USERSYNC_EMAIL_SENDER string = deployEmail ? email.outputs.senderAddress : ''
