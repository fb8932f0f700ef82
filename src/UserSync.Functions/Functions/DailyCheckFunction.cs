using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Runs;

namespace UserSync.Functions.Functions;

/// <summary>
/// The daily check: runs and records the checks and queues one message per alert. A database
/// failure is an outcome, not an exception (its monitor_failed alert is queued); only an
/// unexpected error throws, which the retry policy answers.
/// </summary>
public sealed partial class DailyCheckFunction(CheckRunner runner, ILogger<DailyCheckFunction> logger, MeterProvider? meters = null)
{
    public const string Name = "DailyCheck";

    /// <summary>How long a run waits for its metrics to be exported before it returns.</summary>
    public static readonly TimeSpan MetricFlushTimeout = TimeSpan.FromSeconds(10);

    [Function(Name)]
    [ExponentialBackoffRetry(3, "00:00:10", "00:15:00")]
    public async Task<AlertMessages> RunAsync(
        [TimerTrigger("%" + DailyCheckOptions.ScheduleSetting + "%", UseMonitor = true)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue(logger);
        }

        var outcome = await runner.RunAsync(AlertSources.Timer, cancellationToken);
        if (outcome.Run is { } run)
        {
            LogCompleted(logger, outcome.Kind, run.Status, run.GhostUsers, run.OrphanedProfiles, run.TriggerState, outcome.Alerts.Count);
        }
        else
        {
            LogNotRun(logger, outcome.Kind, outcome.FailureReason ?? "", outcome.Alerts.Count);
        }

        // A Flex Consumption instance may be reclaimed soon after the invocation ends, before the
        // periodic export: push this run's gauges and heartbeat out now.
        meters?.ForceFlush((int)MetricFlushTimeout.TotalMilliseconds);
        return AlertMessages.From(outcome.Alerts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DailyCheck is past due (a missed schedule); running now")]
    private static partial void LogPastDue(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "DailyCheck {Outcome}: {Status}, {GhostUsers} ghost users, {OrphanedProfiles} orphaned profiles, trigger {TriggerState}; {AlertCount} alert message(s) queued")]
    private static partial void LogCompleted(ILogger logger, CheckRunKind outcome, SyncStatus status, long ghostUsers, long orphanedProfiles,
        string triggerState, int alertCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DailyCheck {Outcome}: {Reason}; {AlertCount} alert message(s) queued")]
    private static partial void LogNotRun(ILogger logger, CheckRunKind outcome, string reason, int alertCount);
}
