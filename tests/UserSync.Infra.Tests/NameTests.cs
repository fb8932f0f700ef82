using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>(c) queue names agree with QueueNames and functions.metadata; the names alert queries filter on exist in the code.</summary>
public sealed class NameTests
{
    private const string Storage = "modules/storage.bicep";
    private const string Alerts = "modules/alerts.bicep";

    [Fact]
    public void Infra_creates_the_alerts_queue_and_its_poison_twin_and_the_bindings_use_it()
    {
        Assert.Equal(["user-sync-alerts", "user-sync-alerts-poison"], Template.QueueNames.Order(StringComparer.Ordinal));
        Assert.Empty(NameRules.Queues(Deployed, Template));
    }

    [Fact]
    public void A_renamed_queue_in_infra_is_reported()
    {
        var broken = Template.Edit(Storage, "name: 'user-sync-alerts'\n", "name: 'usersync-alerts'\n");

        var problems = NameRules.Queues(Deployed, broken);

        Assert.Contains(problems, p => p.StartsWith("Queue user-sync-alerts ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Infra creates queue usersync-alerts,", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_poison_queue_is_reported()
    {
        var broken = Template.Edit(Storage, "name: 'user-sync-alerts-poison'\n", "name: 'user-sync-alerts-dead'\n");

        Assert.Contains(NameRules.Queues(Deployed, broken), p => p.StartsWith("Queue user-sync-alerts-poison ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_binding_on_another_queue_is_reported()
    {
        var code = Deployed.EditFunction("AlertDispatcher", "\"queueName\": \"user-sync-alerts\"", "\"queueName\": \"user-sync-alert\"");

        Assert.Contains(NameRules.Queues(code, Template), p => p.StartsWith("functions.metadata AlertDispatcher binds queue user-sync-alert,", StringComparison.Ordinal));
    }

    [Fact]
    public void A_poison_queue_constant_that_is_not_the_hosts_poison_queue_is_reported()
    {
        var code = Deployed.EditSource("QueueNames.cs", "\"user-sync-alerts-poison\"", "\"user-sync-alerts-dead\"");

        Assert.Contains(NameRules.Queues(code, Template), p => p.StartsWith("QueueNames.AlertsPoison is user-sync-alerts-dead,", StringComparison.Ordinal));
    }

    [Fact]
    public void Alert_queries_filter_only_on_functions_that_exist_and_metrics_the_code_emits()
    {
        Assert.Contains("AlertDispatcher", Template.AlertRules.SelectMany(r => r.Queries.OfType<string>()).SelectMany(AlertRuleRules.NamesIn));
        Assert.Empty(AlertRuleRules.Names(Deployed, Template));
    }

    [Fact]
    public void A_query_on_a_function_that_does_not_exist_is_reported()
    {
        var broken = Template.Edit(Alerts, "Name in (\"AlertDispatcher\", \"DailyCheck\")", "Name in (\"AlertDispatcher\", \"DailyChecks\")");

        Assert.Contains(AlertRuleRules.Names(Deployed, broken), p => p.Contains("\"DailyChecks\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_query_on_the_invocation_span_of_a_function_that_does_not_exist_is_reported()
    {
        var broken = Template.Edit(Alerts, "\"function AlertDispatcher\"", "\"function AlertDispatch\"");

        Assert.Contains(AlertRuleRules.Names(Deployed, broken), p => p.Contains("\"function AlertDispatch\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_query_on_a_metric_the_code_does_not_emit_is_reported()
    {
        var broken = Template.Edit(Alerts, "Name == \"usersync.ghost_users\"", "Name == \"usersync.ghost_user_count\"");

        Assert.Contains(AlertRuleRules.Names(Deployed, broken), p => p.Contains("\"usersync.ghost_user_count\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_metric_renamed_in_the_code_is_reported_by_the_queries_that_use_it()
    {
        var code = Deployed.EditSource("UserSyncTelemetry.cs", "\"usersync.heartbeat\"", "\"usersync.beat\"");

        Assert.Contains(AlertRuleRules.Names(code, Template), p => p.Contains("\"usersync.heartbeat\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Log_phrases_the_queries_look_for_are_written_by_the_code_or_the_host() =>
        Assert.Empty(AlertRuleRules.Phrases(Deployed, Template));

    [Fact]
    public void A_log_phrase_nobody_writes_is_reported()
    {
        var broken = Template.Edit(Alerts, "\"AlertDispatcher could not deliver\"", "\"AlertDispatcher failed to deliver\"");

        Assert.Contains(AlertRuleRules.Phrases(Deployed, broken), p => p.Contains("\"AlertDispatcher failed to deliver\"", StringComparison.Ordinal));
    }
}
