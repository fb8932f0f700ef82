// Key Vault (RBAC mode) holding the monitor's database connection string. The function app reads
// it through a Key Vault reference in the app setting UserSync__ConnectionString, resolved by the
// platform as the user-assigned identity; the value never appears in an app setting or output.
param name string
param location string
param tags object

@secure()
@description('Npgsql connection string of the monitor\'s database login.')
param databaseConnectionString string

@description('Principal id of the function app\'s user-assigned identity.')
param identityPrincipalId string

@description('Object id of the operator running azd; empty for none.')
param operatorPrincipalId string = ''

// Built-in roles.
var keyVaultSecretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficerRole = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource databaseConnectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'usersync-db-connection-string'
  properties: {
    value: databaseConnectionString
    contentType: 'Npgsql connection string'
  }
}

var slackConfigured = !empty(slackWebhookUrl)
var pagerDutyConfigured = !empty(pagerDutyRoutingKey)

// The alert channels' secrets, each only when its channel is configured.
resource slackWebhookUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (slackConfigured) {
  parent: vault
  name: 'usersync-slack-webhook-url'
  properties: {
    value: slackWebhookUrl
    contentType: 'Slack incoming webhook URL'
  }
}

resource pagerDutyRoutingKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (pagerDutyConfigured) {
  parent: vault
  name: 'usersync-pagerduty-routing-key'
  properties: {
    value: pagerDutyRoutingKey
    contentType: 'PagerDuty Events API v2 routing key'
  }
}

// Key Vault Secrets User: read secret values, nothing else. The platform resolves the Key Vault
// reference with it (keyVaultReferenceIdentity). Granted on the vault so channel secrets added
// later (Slack webhook, PagerDuty routing key) resolve the same way.
resource identitySecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultSecretsUserRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRole)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets Officer for the operator: rotate the connection string
// (`az keyvault secret set`, docs/deploy.md) without touching the vault's access model.
resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, keyVaultSecretsOfficerRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRole)
    principalId: operatorPrincipalId
  }
}

output name string = vault.name
// Versionless: the app follows rotations (on restart, or within a day as the platform refreshes).
output databaseConnectionStringUri string = databaseConnectionStringSecret.properties.secretUri
// Versionless secret URIs of the channel secrets; empty when the channel is not configured.
output slackWebhookUrlUri string = slackConfigured ? slackWebhookUrlSecret.properties.secretUri : ''
output pagerDutyRoutingKeyUri string = pagerDutyConfigured ? pagerDutyRoutingKeySecret.properties.secretUri : ''
