using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>The alert rules exist for each signal, with a severity, wired to the action group.</summary>
public sealed class AlertRuleTests
{
    private const string Alerts = "modules/alerts.bicep";

    [Fact]
    public void There_are_five_log_alert_rules_and_one_action_group()
    {
        Assert.Equal(5, Template.AlertRules.Count);
        Assert.Single(Template.ActionGroupSymbols);
    }

    [Fact]
    public void Every_rule_has_a_severity_and_notifies_the_action_group() =>
        Assert.Empty(AlertRuleRules.Wiring(Template));

    [Fact]
    public void A_rule_without_a_severity_is_reported()
    {
        var broken = Template.Edit(Alerts, "    severity: 2\n", "");

        Assert.Contains(AlertRuleRules.Wiring(broken), p => p.StartsWith("Alert rule functionFailuresRule ", StringComparison.Ordinal) && p.Contains("severity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_not_wired_to_the_action_group_is_reported()
    {
        var broken = Template.Edit(Alerts, "        actionGroup.id\n", "        '/subscriptions/none'\n");

        Assert.Contains(AlertRuleRules.Wiring(broken), p => p.Contains("is not wired to an action group", StringComparison.Ordinal));
    }

    [Fact]
    public void Ghost_users_trigger_heartbeat_poison_queue_and_dispatcher_failures_are_each_watched() =>
        Assert.Empty(AlertRuleRules.Coverage(Deployed, Template));

    [Fact]
    public void A_missing_heartbeat_rule_is_reported()
    {
        var broken = Template.Edit(Alerts, "| where Name == \"usersync.heartbeat\"", "| where Name == \"usersync.check.runs\"");

        Assert.Contains(AlertRuleRules.Coverage(Deployed, broken), p => p.Contains("usersync.heartbeat", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_poison_queue_rule_is_reported()
    {
        var broken = Template.Edit(Alerts, "| where Message contains \"user-sync-alerts-poison\"", "| where Message contains \"poison\"");

        Assert.Contains(AlertRuleRules.Coverage(Deployed, broken), p => p.Contains("poison queue user-sync-alerts-poison", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_dispatcher_failure_rule_is_reported()
    {
        var broken = Template.Edit(Alerts, "and Success == false", "and DurationMs > 60000");

        Assert.Contains(AlertRuleRules.Coverage(Deployed, broken), p => p.Contains("failed AlertDispatcher executions", StringComparison.Ordinal));
    }
}
