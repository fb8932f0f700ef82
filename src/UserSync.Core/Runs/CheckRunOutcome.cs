using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Runs;

public enum CheckRunKind
{
    /// <summary>The checks ran and were recorded.</summary>
    Completed,

    /// <summary>Another run holds the lock; this one did nothing.</summary>
    AlreadyRunning,

    /// <summary>The checks could not run (database unreachable, timeout); a monitor_failed alert says so.</summary>
    CouldNotRun,
}

/// <summary>What a check run did and the alert messages it wants queued.</summary>
public sealed record CheckRunOutcome(CheckRunKind Kind, MonitoringRun? Run, IReadOnlyList<AlertMessage> Alerts, string? FailureReason)
{
    /// <summary>Exit code for cron and CI: 0 healthy, 1 degraded, 2 critical, 3 could not run (or already running).</summary>
    public int ExitCode => Kind switch
    {
        CheckRunKind.Completed => Run!.Status switch
        {
            SyncStatus.Healthy => 0,
            SyncStatus.Degraded => 1,
            _ => 2,
        },
        _ => 3,
    };
}
