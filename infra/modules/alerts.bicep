// Azure Monitor's own watch on the monitor (docs/architecture.md, "Telemetry"): an action group and five log alert
// rules on the Log Analytics workspace behind Application Insights.
//
// Log alerts (scheduledQueryRules), not metric alerts: the worker's OpenTelemetry metrics
// arrive as Application Insights custom metrics, which land in the workspace table AppMetrics
// (Name, Sum, Min, Max, ItemCount, Properties). The host's logs land in AppTraces and one
// AppRequests row is written per function execution (Name = function name, Success).
// The gauges are read with Sum: a gauge point carries one value, so Sum is that value.
//
// Every rule is stateful (autoMitigate): it notifies once when it fires and once when it resolves.
// What each rule means and what to do: docs/deploy.md, "Alert rules".
param location string
param tags object
param actionGroupName string

@description('Receiver of the action group\'s email.')
param alertEmailAddress string

@description('Resource id of the Log Analytics workspace the rules query.')
param workspaceId string

@description('The runbook; rules link to its sections.')
param runbookUrl string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'usersync'
    enabled: true
    emailReceivers: [
      {
        name: 'on-call-email'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

// usersync.ghost_users (gauge, tag environment): auth users without a profile at the latest run.
var ghostUsersQuery = '''
AppMetrics
| where Name == "usersync.ghost_users"
| extend Environment = tostring(Properties["environment"])
| summarize GhostUsers = max(Sum) by Environment
'''

// usersync.trigger_enabled (gauge): 1 when on_auth_user_created fires for signups, else 0.
var triggerDisabledQuery = '''
AppMetrics
| where Name == "usersync.trigger_enabled"
| extend Environment = tostring(Properties["environment"])
| summarize TriggerEnabled = min(Sum) by Environment
'''

// usersync.heartbeat (counter): one per check attempt, whatever its outcome. No row for 26 hours
// (a daily schedule plus 2 hours of slack) means DailyCheck has not run: the monitor is down.
var heartbeatQuery = '''
AppMetrics
| where TimeGenerated > ago(26h)
| where Name == "usersync.heartbeat"
'''

// The host logs "Message has reached MaxDequeueCount of 5. Moving message to queue
// 'user-sync-alerts-poison'." when an alert failed every try, and AlertDispatcher logs
// "AlertDispatcher moved message ... to user-sync-alerts-poison: <reason>" when it poisons a
// message that can never be delivered: either way that alert reached nobody.
var poisonQuery = '''
AppTraces
| where Message contains "user-sync-alerts-poison"
'''

// Failed executions of the two non-HTTP functions, plus the worker's own reasons when its log
// lines reach the workspace ("AlertDispatcher moved message ...", "AlertDispatcher could not
// deliver ..."). With telemetryMode OpenTelemetry a failed invocation shows twice: the host's
// request (AppRequests, named after the function) and the worker's invocation span "function
// <name>" (an internal span, so AppDependencies) with an error status; either counts. One failure
// is a retry in progress; the poison rule says when the retries ran out.
var functionFailuresQuery = '''
union
  (AppRequests
    | where Name in ("AlertDispatcher", "DailyCheck") and Success == false
    | project FunctionName = Name),
  (AppDependencies
    | where Name in ("function AlertDispatcher", "function DailyCheck") and Success == false
    | project FunctionName = substring(Name, 9)),
  (AppTraces
    | where Message contains "AlertDispatcher moved message" or Message contains "AlertDispatcher could not deliver"
    | project FunctionName = "AlertDispatcher")
| summarize Failures = count() by FunctionName
'''

resource ghostUsersRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'usersync-ghost-users'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'UserSync: ghost users'
    description: 'Auth users without a profile (usersync.ghost_users > 0): they can sign in and the app answers "user not found".'
    severity: 1
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: ghostUsersQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'GhostUsers'
          dimensions: [
            {
              name: 'Environment'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    // The App* tables may not exist in a new workspace until the first telemetry arrives.
    skipQueryValidation: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
      customProperties: {
        runbook: '${runbookUrl}#ghost-users'
      }
    }
  }
}

resource triggerDisabledRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'usersync-trigger-not-enabled'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'UserSync: signup trigger not enabled'
    description: 'on_auth_user_created is missing, disabled or replica-only (usersync.trigger_enabled < 1): every new signup becomes a ghost user.'
    severity: 0
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: triggerDisabledQuery
          timeAggregation: 'Minimum'
          metricMeasureColumn: 'TriggerEnabled'
          dimensions: [
            {
              name: 'Environment'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
      customProperties: {
        runbook: '${runbookUrl}#trigger-enabled'
      }
    }
  }
}

resource heartbeatRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'usersync-no-heartbeat'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'UserSync: monitor has not run for 26 hours'
    description: 'No usersync.heartbeat in 26 hours: DailyCheck did not run (app down, bad deployment, telemetry not arriving). Nothing else is being watched until it runs.'
    severity: 1
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT1H'
    // The query itself looks back 26 hours; the window only has to cover that.
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: heartbeatQuery
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
      customProperties: {
        runbook: '${runbookUrl}#monitor-failed'
      }
    }
  }
}

resource poisonRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'usersync-alert-poisoned'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'UserSync: alert moved to the poison queue'
    description: 'An alert message failed every delivery try and was moved to user-sync-alerts-poison: the people it was for were not told.'
    severity: 1
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: poisonQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
      customProperties: {
        guide: 'docs/deploy.md#alert-rules'
      }
    }
  }
}

resource functionFailuresRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'usersync-function-failures'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'UserSync: AlertDispatcher or DailyCheck failed'
    description: 'A dispatcher or daily check execution failed; the host retries. Repeated dispatcher failures end in the poison queue.'
    severity: 2
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: functionFailuresQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'Failures'
          dimensions: [
            {
              name: 'FunctionName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
      customProperties: {
        guide: 'docs/deploy.md#alert-rules'
      }
    }
  }
}

output actionGroupId string = actionGroup.id
