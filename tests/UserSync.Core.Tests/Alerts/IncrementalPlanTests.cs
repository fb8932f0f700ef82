using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

/// <summary>How the planner treats an incremental run (only new auth users examined, ghost_users and trigger_enabled checked).</summary>
public sealed class IncrementalPlanTests
{
    private static readonly AlertPlanner Planner = new("prod", "https://runbooks.example/usersync.md");
    private static readonly Dictionary<string, IReadOnlyList<string>> NoSamples = [];

    [Fact]
    public void New_ghosts_in_an_incremental_run_fire()
    {
        var alert = Assert.Single(Planner.PlanAfter(Incremental(CheckNames.GhostUsers), Failing(), NoSamples));

        Assert.Equal((CheckNames.GhostUsers, AlertStatus.Firing), (alert.Check, alert.Status));
        Assert.Equal(AlertMessage.DedupKeyFor("prod", CheckNames.GhostUsers), alert.DedupKey);
    }

    [Fact]
    public void An_incremental_run_does_not_repeat_a_check_already_failing()
    {
        Assert.Empty(Planner.PlanAfter(Incremental(CheckNames.GhostUsers, CheckNames.TriggerEnabled),
            Failing(CheckNames.GhostUsers, CheckNames.TriggerEnabled), NoSamples));
    }

    [Fact]
    public void An_incremental_run_without_new_ghosts_does_not_resolve_ghosts_a_full_run_saw()
    {
        Assert.Empty(Planner.PlanAfter(Incremental(), Failing(CheckNames.GhostUsers), NoSamples));
    }

    [Fact]
    public void An_incremental_run_resolves_the_trigger()
    {
        var alert = Assert.Single(Planner.PlanAfter(Incremental(), Failing(CheckNames.TriggerEnabled), NoSamples));

        Assert.Equal((CheckNames.TriggerEnabled, AlertStatus.Resolved), (alert.Check, alert.Status));
    }

    [Fact]
    public void An_incremental_run_says_nothing_of_orphans_or_count_parity()
    {
        Assert.Empty(Planner.PlanAfter(Incremental(), Failing(CheckNames.OrphanedProfiles, CheckNames.CountParity), NoSamples));
    }

    [Fact]
    public void A_full_run_resolves_ghosts_first_reported_by_an_incremental_run()
    {
        var alert = Assert.Single(Planner.PlanAfter(TestRuns.WithFailing(), Failing(CheckNames.GhostUsers), NoSamples));

        Assert.Equal((CheckNames.GhostUsers, AlertStatus.Resolved), (alert.Check, alert.Status));
    }

    [Fact]
    public void After_an_incremental_run_its_passing_ghost_check_leaves_the_failing_state_alone_and_the_trigger_follows()
    {
        var after = AlertPlanner.FailingAfter(Failing(CheckNames.GhostUsers, CheckNames.TriggerEnabled), Incremental());

        Assert.Equal([CheckNames.GhostUsers], after.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void After_a_full_run_the_failing_state_is_the_runs()
    {
        var after = AlertPlanner.FailingAfter(Failing(CheckNames.GhostUsers), TestRuns.WithFailing(CheckNames.OrphanedProfiles));

        Assert.Equal([CheckNames.OrphanedProfiles], after);
    }

    private static HashSet<string> Failing(params string[] checks) => new(checks, StringComparer.Ordinal);

    private static MonitoringRun Incremental(params string[] failing)
    {
        var run = TestRuns.WithFailing(failing);
        return run with
        {
            Source = AlertSources.Incremental,
            Checks = run.Checks.Where(c => c.Name is CheckNames.GhostUsers or CheckNames.TriggerEnabled).ToList(),
        };
    }
}
