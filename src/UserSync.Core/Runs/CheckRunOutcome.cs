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

/// <summary>
/// What a check run did and the alert messages it wants queued (those of the run, then those of
/// its re-check when it repaired automatically).
/// </summary>
public sealed record CheckRunOutcome(CheckRunKind Kind, MonitoringRun? Run, IReadOnlyList<AlertMessage> Alerts, string? FailureReason)
{
    /// <summary>When the run found ghosts and auto-repair is on: what it did, or why it did not act.</summary>
    public AutoRepairResult? AutoRepair { get; init; }

    /// <summary>The full run recorded right after an automatic repair (source "auto-repair").</summary>
    public MonitoringRun? Recheck { get; init; }

    /// <summary>The run that describes the database now: the re-check when there is one.</summary>
    public MonitoringRun? Latest => Recheck ?? Run;

    /// <summary>Exit code for cron and CI: 0 healthy, 1 degraded, 2 critical (of <see cref="Latest"/>), 3 could not run (or already running).</summary>
    public int ExitCode => Kind switch
    {
        CheckRunKind.Completed => Latest!.Status switch
        {
            SyncStatus.Healthy => 0,
            SyncStatus.Degraded => 1,
            _ => 2,
        },
        _ => 3,
    };
}
