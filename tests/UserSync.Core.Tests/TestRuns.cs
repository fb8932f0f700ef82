using UserSync.Core.Checks;

namespace UserSync.Core.Tests;

/// <summary>Monitoring runs as the store returns them, with chosen checks failing.</summary>
internal static class TestRuns
{
    public static DateTimeOffset CheckedAt { get; } = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);

    public static MonitoringRun WithFailing(params string[] failingChecks) => WithFailing(Guid.NewGuid(), failingChecks);

    public static MonitoringRun WithFailing(Guid runId, params string[] failingChecks)
    {
        var checks = new List<CheckResult>
        {
            Check(CheckNames.GhostUsers, CheckSeverity.Critical, failingChecks, "3", "0"),
            Check(CheckNames.OrphanedProfiles, CheckSeverity.Warning, failingChecks, "2", "0"),
            Check(CheckNames.CountParity, CheckSeverity.Critical, failingChecks, "13 auth users, 10 profiles", "equal"),
            Check(CheckNames.TriggerEnabled, CheckSeverity.Critical, failingChecks, "disabled", "enabled"),
        };
        return new MonitoringRun(runId, CheckedAt, SyncStatusPolicy.Decide(checks), 13, 10, 3, 2, 3, "enabled", true,
            checks, 12.5m, "monitor", "test");
    }

    public static MonitoringRun WithStatus(SyncStatus status) => WithFailing() with { Status = status };

    private static CheckResult Check(string name, CheckSeverity severity, string[] failing, string observedWhenFailing, string expected)
    {
        var failed = failing.Contains(name);
        return new CheckResult(name, severity, !failed, failed ? observedWhenFailing : expected, expected);
    }
}
