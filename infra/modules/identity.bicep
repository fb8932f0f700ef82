// The one identity the function app runs as: storage (host and queues), Key Vault references and
// Application Insights ingestion all authenticate with it, so no key or connection secret is
// stored in an app setting. User-assigned, so its grants exist before the app first starts.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
