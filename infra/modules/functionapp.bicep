// The function app: Flex Consumption (FC1, Linux) running the .NET isolated worker
// (docs/architecture.md).
//
// On Flex Consumption the language runtime is set in functionAppConfig.runtime
// ('dotnet-isolated', '10.0'),
// not with the FUNCTIONS_WORKER_RUNTIME app setting, and FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE and the WEBSITE_CONTENT* settings are not used either: the platform
// rejects or ignores them. The package comes from the blob container in functionAppConfig.
param name string
param planName string
param location string
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (identity-based connections name it).')
param identityClientId string

param storageAccountName string

@description('URL of the blob container Flex Consumption deploys the package to.')
param deploymentContainerUrl string

param applicationInsightsName string

@description('Versionless Key Vault secret URI of the database connection string.')
param databaseConnectionStringUri string

param userSyncEnvironment string
param statementTimeoutSeconds int
param maskPii bool
param runbookUrl string
param alertSamples int
param dailyCheckSchedule string
param incrementalCheckSchedule string
param autoRepairEnabled bool
param autoRepairMaxGhosts int
param autoRepairBatchSize int
param maximumInstanceCount int
param instanceMemoryMB int

// Alert channels (docs/deploy.md, "Alert channels"). Each is optional: empty means the channel is
// not configured, and then none of its app settings exist (the app registers a channel whenever
// its section exists, and validates it at start).
@description('Communication Services endpoint (https://<host>) for the ACS email channel; empty: no email channel.')
param acsEndpoint string = ''

@description('Sender address of the ACS email channel (DoNotReply@<managed domain>).')
param acsSenderAddress string = ''

@description('Recipient of the ACS email channel.')
param acsRecipient string = ''

@description('Versionless Key Vault secret URI of the Slack webhook URL; empty: no Slack channel.')
param slackWebhookUrlUri string = ''

@description('Versionless Key Vault secret URI of the PagerDuty routing key; empty: no PagerDuty channel.')
param pagerDutyRoutingKeyUri string = ''

// The dashboard's sign-in (docs/deploy.md, "Dashboard sign-in").
@description('Application (client) id of the dashboard\'s Entra app registration; empty: no App Service Authentication, the dashboard is Off.')
param dashboardClientId string = ''

@description('The app role the dashboard\'s actions need.')
param dashboardAdminRole string = 'UserSync.Admin'

// azd finds the app to deploy to by this tag: it must equal the service name in azure.yaml.
var azdServiceName = 'usersync'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': azdServiceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as the user-assigned identity (it holds Key Vault Secrets User).
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

var emailConfigured = !empty(acsEndpoint)
var dashboardSignIn = !empty(dashboardClientId)
var slackConfigured = !empty(slackWebhookUrlUri)
var pagerDutyConfigured = !empty(pagerDutyRoutingKeyUri)

// The default routes name email, slack and pagerduty, and the app rejects at start a route
// naming a channel that is not configured: route to the configured channels only ('none' when a
// route has none left; with no channel at all, alerts go to the log and routes are not checked).
var criticalChannels = filter([
  emailConfigured ? 'email' : ''
  slackConfigured ? 'slack' : ''
], channel => !empty(channel))

// Every app setting, in one place. tests/UserSync.Infra.Tests holds this list against the code:
// each setting the app's code or its functions.metadata (the bindings) read is here, and each one
// here is read by the code or is a documented platform setting. The channel objects below are conditional;
// the test reader sees their members too.
var baseSettings = {
    // The host's storage and the queue bindings' connection (they name none, so the host uses
    // AzureWebJobsStorage), identity-based: account name + the user-assigned identity, no key.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Read by the host (its own logs and requests) and by the worker's Azure Monitor exporters.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    // Read by the host: send its telemetry with Entra ID as the user-assigned identity.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    // The app's options (UserSyncOptions, section "UserSync").
    UserSync__ConnectionString: '@Microsoft.KeyVault(SecretUri=${databaseConnectionStringUri})'
    UserSync__Environment: userSyncEnvironment
    UserSync__StatementTimeoutSeconds: string(statementTimeoutSeconds)
    UserSync__MaskPii: maskPii ? 'true' : 'false'
    UserSync__RunbookUrl: runbookUrl
    UserSync__AlertSamples: string(alertSamples)
    // DailyCheck's timer reads %DailyCheckSchedule%; the app validates it at start.
    DailyCheckSchedule: dailyCheckSchedule
    IncrementalCheckSchedule: incrementalCheckSchedule
    // Automatic repair (AutoRepairOptions, section "UserSync:AutoRepair").
    UserSync__AutoRepair__Enabled: autoRepairEnabled ? 'true' : 'false'
    UserSync__AutoRepair__MaxGhosts: string(autoRepairMaxGhosts)
    UserSync__AutoRepair__BatchSize: string(autoRepairBatchSize)
    // MonthlyReport's timer reads %MonthlyReportSchedule% (the host indexes it even while the report is off).
    MonthlyReportSchedule: '0 0 6 1 * *'
    // The monthly report is opt-in (docs/report.md); receivers are set by the operator when it is turned on.
    UserSync__Report__Enabled: 'false'
    // Alert routes (AlertRoutingOptions.Routes), limited to the configured channels.
    UserSync__Alerts__Routes__Critical: empty(criticalChannels) ? 'none' : join(criticalChannels, ',')
    UserSync__Alerts__Routes__Warning: slackConfigured ? 'slack' : 'none'
    UserSync__Alerts__Routes__Checks__trigger_enabled: pagerDutyConfigured ? 'pagerduty' : 'none'
    UserSync__Alerts__Routes__Checks__monitor_failed: pagerDutyConfigured ? 'pagerduty' : 'none'
    // The dashboard (DashboardOptions, section "UserSync:Dashboard"): the worker trusts the
    // principal header only behind App Service Authentication, which strips a client's own; with
    // no app registration there is none, so the dashboard's JSON is Off (never None in Azure).
    UserSync__Dashboard__Authentication: dashboardSignIn ? 'AppService' : 'Off'
    UserSync__Dashboard__AdminRole: dashboardAdminRole
}

// Email through Communication Services, authenticated with Entra ID: DefaultAzureCredential picks
// the user-assigned identity from AZURE_CLIENT_ID (it holds a sending role on the resource).
var emailSettings = emailConfigured ? {
    AZURE_CLIENT_ID: identityClientId
    UserSync__Alerts__Email__Provider: 'acs'
    UserSync__Alerts__Email__Acs__Endpoint: acsEndpoint
    UserSync__Alerts__Email__Acs__SenderAddress: acsSenderAddress
    UserSync__Alerts__Email__Acs__Recipients__0: acsRecipient
} : {}

// Secrets only as Key Vault references, resolved as the identity (keyVaultReferenceIdentity).
var slackSettings = slackConfigured ? {
    UserSync__Alerts__Slack__WebhookUrl: '@Microsoft.KeyVault(SecretUri=${slackWebhookUrlUri})'
} : {}

var pagerDutySettings = pagerDutyConfigured ? {
    UserSync__Alerts__PagerDuty__RoutingKey: '@Microsoft.KeyVault(SecretUri=${pagerDutyRoutingKeyUri})'
} : {}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(baseSettings, emailSettings, slackSettings, pagerDutySettings)
}

// App Service Authentication with Microsoft Entra ID in front of the app. Unauthenticated
// requests are let through (AllowAnonymous): the function-key API (machine clients) keeps
// working, the page loads and offers /.auth/login/aad, and the worker itself refuses the
// dashboard's JSON without a signed-in principal (401) or without the admin role (403). Signed-in
// or not, App Service removes any X-MS-CLIENT-PRINCIPAL a client sends and injects its own.
// No client secret: sign-in uses the ID token the registration issues (docs/deploy.md).
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (dashboardSignIn) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: dashboardClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            dashboardClientId
            'api://${dashboardClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
