// Optional (main.bicep: deployEmail): Azure Communication Services with an email service and an
// Azure-managed sender domain (DoNotReply@<guid>.azurecomm.net), for the email alert channel
// (docs/architecture.md, "Alerts"). Communication Services resources are global; their data stays in dataLocation.
//
// The function app's email channel (UserSync__Alerts__Email__Provider=acs) sends through the
// Communication Services resource with Entra ID as the user-assigned identity: no access key.
param communicationServiceName string
param emailServiceName string
param dataLocation string
param tags object

@description('Principal id of the function app\'s user-assigned identity (sends the alert email).')
param identityPrincipalId string

// Built-in role "Communication and Email Service Owner": the role Microsoft documents for sending
// email with Entra ID (the data-plane send needs Microsoft.Communication/CommunicationServices
// read/write actions, which no narrower built-in role holds). Scoped to this resource only.
var communicationAndEmailServiceOwnerRole = '09976791-48a7-449e-bb21-39d1a415f350'

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource identityEmailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, identityPrincipalId, communicationAndEmailServiceOwnerRole)
  scope: communicationService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', communicationAndEmailServiceOwnerRole)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = 'DoNotReply@${managedDomain.properties.fromSenderDomain}'
