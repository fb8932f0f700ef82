using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

public sealed class AlertPlannerTests
{
    private const string RunbookUrl = "https://runbooks.example/usersync.md";
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoSamples = new Dictionary<string, IReadOnlyList<string>>();

    private readonly AlertPlanner _planner = new("prod", RunbookUrl);

    [Fact]
    public void Plan_fires_one_alert_per_failed_check()
    {
        var run = TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.CountParity);

        var alerts = _planner.Plan(run, previous: null, NoSamples);

        Assert.Equal(
            [(CheckNames.GhostUsers, AlertStatus.Firing), (CheckNames.CountParity, AlertStatus.Firing)],
            alerts.Select(a => (a.Check, a.Status)));
    }

    [Fact]
    public void Plan_gives_a_firing_alert_the_check_severity_observed_and_expected_values_run_and_time()
    {
        var run = TestRuns.WithFailing(CheckNames.OrphanedProfiles);

        var alert = Assert.Single(_planner.Plan(run, previous: null, NoSamples));

        Assert.Equal(CheckSeverity.Warning, alert.Severity);
        Assert.Equal("2", alert.Observed);
        Assert.Equal("0", alert.Expected);
        Assert.Equal(run.RunId, alert.RunId);
        Assert.Equal(run.CheckedAt, alert.DetectedAt);
        Assert.Equal("prod", alert.Environment);
    }

    [Fact]
    public void Plan_resolves_only_checks_that_failed_in_the_previous_run_and_pass_now()
    {
        var previous = TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.CountParity, CheckNames.TriggerEnabled);
        var current = TestRuns.WithFailing(CheckNames.TriggerEnabled);

        var alerts = _planner.Plan(current, previous, NoSamples);

        Assert.Equal(
            [(CheckNames.GhostUsers, AlertStatus.Resolved), (CheckNames.CountParity, AlertStatus.Resolved),
             (CheckNames.TriggerEnabled, AlertStatus.Firing)],
            alerts.Select(a => (a.Check, a.Status)));
    }

    [Fact]
    public void Plan_says_nothing_when_the_previous_and_the_current_run_are_healthy()
    {
        var alerts = _planner.Plan(TestRuns.WithFailing(), TestRuns.WithFailing(), NoSamples);

        Assert.Empty(alerts);
    }

    [Fact]
    public void Plan_without_a_previous_run_resolves_nothing()
    {
        var alerts = _planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers), previous: null, NoSamples);

        Assert.All(alerts, a => Assert.Equal(AlertStatus.Firing, a.Status));
        Assert.Single(alerts);
    }

    [Fact]
    public void Plan_fires_again_for_a_check_that_is_still_failing_with_the_same_dedup_key_and_a_new_alert_id()
    {
        var previous = TestRuns.WithFailing(CheckNames.GhostUsers);
        var current = TestRuns.WithFailing(CheckNames.GhostUsers);
        var before = Assert.Single(_planner.Plan(previous, previous: null, NoSamples));

        var again = Assert.Single(_planner.Plan(current, previous, NoSamples));

        Assert.Equal(AlertStatus.Firing, again.Status);
        Assert.Equal(before.DedupKey, again.DedupKey);
        Assert.NotEqual(before.AlertId, again.AlertId);
    }

    [Fact]
    public void AlertId_is_the_run_id_the_check_and_the_status()
    {
        var runId = Guid.Parse("11111111-2222-3333-4444-555555555555");

        var alert = Assert.Single(_planner.Plan(TestRuns.WithFailing(runId, CheckNames.GhostUsers), null, NoSamples));

        Assert.Equal("11111111222233334444555555555555:ghost_users:firing", alert.AlertId);
    }

    [Fact]
    public void AlertId_of_a_resolved_alert_differs_from_the_firing_one_of_the_same_run_and_check()
    {
        var runId = Guid.NewGuid();
        var resolved = Assert.Single(_planner.Plan(
            TestRuns.WithFailing(runId), TestRuns.WithFailing(CheckNames.GhostUsers), NoSamples));

        Assert.Equal($"{runId:N}:ghost_users:resolved", resolved.AlertId);
    }

    [Fact]
    public void DedupKey_is_stable_per_environment_and_check()
    {
        var first = Assert.Single(_planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers), null, NoSamples));
        var second = Assert.Single(new AlertPlanner("prod", RunbookUrl).Plan(TestRuns.WithFailing(CheckNames.GhostUsers), null, NoSamples));

        Assert.Equal("usersync:prod:ghost_users", first.DedupKey);
        Assert.Equal(first.DedupKey, second.DedupKey);
    }

    [Fact]
    public void DedupKey_differs_between_environments_for_the_same_check()
    {
        var run = TestRuns.WithFailing(CheckNames.GhostUsers);
        var prod = Assert.Single(new AlertPlanner("prod", RunbookUrl).Plan(run, null, NoSamples));

        var staging = Assert.Single(new AlertPlanner("staging", RunbookUrl).Plan(run, null, NoSamples));

        Assert.NotEqual(prod.DedupKey, staging.DedupKey);
    }

    [Fact]
    public void DedupKey_differs_between_checks_of_the_same_environment()
    {
        var alerts = _planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.CountParity), null, NoSamples);

        Assert.Equal(2, alerts.Select(a => a.DedupKey).Distinct().Count());
    }

    [Fact]
    public void RunbookUrl_links_to_the_section_of_the_check()
    {
        var alert = Assert.Single(_planner.Plan(TestRuns.WithFailing(CheckNames.TriggerEnabled), null, NoSamples));

        Assert.Equal(RunbookUrl + "#trigger-enabled", alert.RunbookUrl);
    }

    [Fact]
    public void Samples_are_attached_to_the_firing_alert_of_their_check()
    {
        var samples = new Dictionary<string, IReadOnlyList<string>> { [CheckNames.GhostUsers] = ["0123abcd j***@example.com"] };

        var alerts = _planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.CountParity), null, samples);

        Assert.Equal(["0123abcd j***@example.com"], alerts.Single(a => a.Check == CheckNames.GhostUsers).Samples);
        Assert.Empty(alerts.Single(a => a.Check == CheckNames.CountParity).Samples);
    }

    [Fact]
    public void Samples_are_not_attached_to_a_resolved_alert()
    {
        var samples = new Dictionary<string, IReadOnlyList<string>> { [CheckNames.GhostUsers] = ["0123abcd j***@example.com"] };

        var resolved = Assert.Single(_planner.Plan(TestRuns.WithFailing(), TestRuns.WithFailing(CheckNames.GhostUsers), samples));

        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Empty(resolved.Samples);
    }

    [Fact]
    public void MonitorFailed_is_a_critical_firing_alert_of_the_check_monitor_failed()
    {
        var runId = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 25, 6, 0, 3, TimeSpan.Zero);

        var alert = _planner.MonitorFailed(runId, at, "the database could not be reached");

        Assert.Equal(CheckNames.MonitorFailed, alert.Check);
        Assert.Equal("monitor_failed", alert.Check);
        Assert.Equal(CheckSeverity.Critical, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("the database could not be reached", alert.Observed);
        Assert.Equal(at, alert.DetectedAt);
        Assert.Equal("usersync:prod:monitor_failed", alert.DedupKey);
        Assert.Equal(RunbookUrl + "#monitor-failed", alert.RunbookUrl);
    }
}
