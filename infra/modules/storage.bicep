// The function app's storage (AzureWebJobsStorage): the Flex Consumption deployment container,
// the host's own blobs (keys, timer schedule status, leases) and the alert queues. Shared-key
// access is off, so only Entra ID identities holding a data role can use it.
param name string
param location string
param tags object

@description('Blob container Flex Consumption deploys the package to.')
param deploymentContainerName string

@description('Principal id of the function app\'s user-assigned identity.')
param identityPrincipalId string

@description('Object id of the operator running azd; empty for none.')
param operatorPrincipalId string = ''

// Built-in roles.
var storageBlobDataOwnerRole = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributorRole = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// DailyCheck's and RunChecks' output bindings write here and AlertDispatcher's trigger reads
// here (QueueNames.Alerts in src/UserSync.Functions).
resource alertsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'user-sync-alerts'
}

// Where the host moves a message after maxDequeueCount (host.json) failed tries, and where
// AlertDispatcher's output binding writes a message that can never be delivered. Created up front
// so it exists, and can be inspected, before the first failure; the alert rules watch it.
resource alertsPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'user-sync-alerts-poison'
}

// Storage Blob Data Owner: the Functions host keeps its keys, the timer's schedule status and its
// singleton locks (blob leases) in this account, and Flex Consumption reads the deployment
// package from the container with this identity. Owner is the role the Functions documentation
// names for an identity-based AzureWebJobsStorage; scoped to this one account.
resource identityBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, storageBlobDataOwnerRole)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRole)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Contributor: the queue trigger reads, updates (visibility) and deletes
// messages of user-sync-alerts, moves exhausted ones to user-sync-alerts-poison, and the output
// binding adds messages. Contributor covers exactly these; nothing else on queues is needed.
resource identityQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, storageQueueDataContributorRole)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRole)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The operator's queue access for the smoke checks in docs/deploy.md (put a test alert, peek the
// poison queue) with `az storage message ... --auth-mode login`: there are no keys to use instead.
resource operatorQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(storage.id, operatorPrincipalId, storageQueueDataContributorRole)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRole)
    principalId: operatorPrincipalId
  }
}

output name string = storage.name
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
