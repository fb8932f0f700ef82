// The function app: Flex Consumption (FC1, Linux) running the custom handler (DESIGN.md §4).
//
// On Flex Consumption the language runtime is set in functionAppConfig.runtime ('custom', '1.0'),
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
param maximumInstanceCount int
param instanceMemoryMB int

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
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

// Every app setting, in one place. tests/UserSync.Infra.Tests holds this list against the code:
// each setting the handler or its function.json files read is here, and each one here is read
// by the code or is a documented platform setting.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The host's storage and the queue bindings' connection ("connection": "AzureWebJobsStorage"),
    // identity-based: account name + the user-assigned identity, no key.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Read by the host (its own logs and requests) and by the handler's Azure Monitor exporter.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    // Read by the host: send its telemetry with Entra ID as the user-assigned identity.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    // The handler's options (UserSyncOptions, section "UserSync").
    UserSync__ConnectionString: '@Microsoft.KeyVault(SecretUri=${databaseConnectionStringUri})'
    UserSync__Environment: userSyncEnvironment
    UserSync__StatementTimeoutSeconds: string(statementTimeoutSeconds)
    UserSync__MaskPii: maskPii ? 'true' : 'false'
    UserSync__RunbookUrl: runbookUrl
    UserSync__AlertSamples: string(alertSamples)
    // DailyCheck's timer reads %DailyCheckSchedule%; the handler validates it at start.
    DailyCheckSchedule: dailyCheckSchedule
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
