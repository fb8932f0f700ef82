// Optional (main.bicep: deployEmail): Azure Communication Services with an email service and an
// Azure-managed sender domain (DoNotReply@<guid>.azurecomm.net), for the email alert channel
// (DESIGN.md §5). Communication Services resources are global; their data stays in dataLocation.
//
// The handler does not read any email setting yet (alerts go to the log until the channels land),
// so this module sets no app setting and grants no role: the channel work adds both, and the
// infra tests then require the settings it reads.
param communicationServiceName string
param emailServiceName string
param dataLocation string
param tags object

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

output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
