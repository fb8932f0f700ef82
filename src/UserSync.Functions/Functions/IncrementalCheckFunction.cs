using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using UserSync.Core.Checks;
using UserSync.Core.Runs;

namespace UserSync.Functions.Functions;

/// <summary>
/// The incremental check on a short schedule (docs/incremental-check.md): only the auth users added
/// since the last run, and the trigger's state; with auto-repair on, ghosts it finds are repaired
/// and a full re-check resolves the alert in the same invocation. Queues its messages as DailyCheck
/// does; a database failure is an outcome (monitor_failed), not an exception. No retry policy: the
/// next tick is minutes away.
/// </summary>
public sealed partial class IncrementalCheckFunction(CheckRunner runner, ILogger<IncrementalCheckFunction> logger, MeterProvider? meters = null)
{
    public const string Name = "IncrementalCheck";

    [Function(Name)]
    public async Task<AlertMessages> RunAsync(
        [TimerTrigger("%" + DailyCheckOptions.IncrementalScheduleSetting + "%", UseMonitor = true)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var outcome = await runner.RunIncrementalAsync(cancellationToken);
        if (outcome.Run is { } run)
        {
            LogCompleted(logger, outcome.Kind, run.Status, run.AuthUsers, run.GhostUsers, run.TriggerState,
                outcome.AutoRepair?.Note ?? "no repair", outcome.Alerts.Count);
        }
        else
        {
            LogNotRun(logger, outcome.Kind, outcome.FailureReason ?? "", outcome.Alerts.Count);
        }

        meters?.ForceFlush((int)DailyCheckFunction.MetricFlushTimeout.TotalMilliseconds);
        return AlertMessages.From(outcome.Alerts);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "IncrementalCheck {Outcome}: {Status}, {NewUsers} auth users read, {GhostUsers} ghost users among them, trigger {TriggerState}; {AutoRepair}; {AlertCount} alert message(s) queued")]
    private static partial void LogCompleted(ILogger logger, CheckRunKind outcome, SyncStatus status, long newUsers, long ghostUsers,
        string triggerState, string autoRepair, int alertCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IncrementalCheck {Outcome}: {Reason}; {AlertCount} alert message(s) queued")]
    private static partial void LogNotRun(ILogger logger, CheckRunKind outcome, string reason, int alertCount);
}
