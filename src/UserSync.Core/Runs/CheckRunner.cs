using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Store;
using UserSync.Core.Telemetry;

namespace UserSync.Core.Runs;

/// <summary>
/// One check run: takes the run lock (a second concurrent run says "already running" and neither
/// records nor alerts twice), records the checks (the full check, or the incremental one), compares
/// with what the channels last heard and returns the alert messages. A scheduled run that found
/// ghosts repairs them when auto-repair is on and safe, then records a full re-check whose messages
/// follow (the resolve in the same run). When the database cannot be reached or a statement times
/// out, the outcome is a critical monitor_failed alert instead of silence.
/// </summary>
public sealed partial class CheckRunner(
    IUserSyncStore store,
    IOptions<UserSyncOptions> options,
    TimeProvider clock,
    ILogger<CheckRunner> logger,
    UserSyncTelemetry? telemetry = null,
    AutoRepairer? autoRepair = null)
{
    private readonly UserSyncOptions _options = options.Value;

    /// <summary>The full check, recorded with <paramref name="source"/>.</summary>
    public Task<CheckRunOutcome> RunAsync(string source, CancellationToken cancellationToken) =>
        RunAsync(source, incremental: false, requestedBy: null, cancellationToken);

    /// <summary>The full check, recorded with <paramref name="source"/> and who asked for it (an id: "dashboard:&lt;principal id&gt;").</summary>
    public Task<CheckRunOutcome> RunAsync(string source, string requestedBy, CancellationToken cancellationToken) =>
        RunAsync(source, incremental: false, requestedBy, cancellationToken);

    /// <summary>The incremental check (docs/incremental-check.md), recorded with source "incremental".</summary>
    public Task<CheckRunOutcome> RunIncrementalAsync(CancellationToken cancellationToken) =>
        RunAsync(AlertSources.Incremental, incremental: true, requestedBy: null, cancellationToken);

    private async Task<CheckRunOutcome> RunAsync(string source, bool incremental, string? requestedBy, CancellationToken cancellationToken)
    {
        using var activity = UserSyncTelemetry.Source.StartActivity("usersync.check_run");
        activity?.SetTag("usersync.source", source);
        var started = clock.GetTimestamp();
        var outcome = await RunOnceAsync(source, incremental, requestedBy, cancellationToken);
        telemetry?.RecordRun(outcome, clock.GetElapsedTime(started));
        activity?.SetTag("usersync.outcome", outcome.Kind.ToString());
        activity?.SetTag("usersync.status", outcome.Latest?.Status.ToString());
        activity?.SetTag("usersync.alerts", outcome.Alerts.Count);
        activity?.SetTag("usersync.auto_repaired", outcome.AutoRepair?.Repaired);
        if (outcome.Kind == CheckRunKind.CouldNotRun)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.FailureReason);
        }

        return outcome;
    }

    private async Task<CheckRunOutcome> RunOnceAsync(string source, bool incremental, string? requestedBy, CancellationToken cancellationToken)
    {
        var planner = new AlertPlanner(_options.Environment, _options.RunbookUrl);
        try
        {
            await using var runLock = await store.TryAcquireRunLockAsync(cancellationToken);
            if (runLock is null)
            {
                LogAlreadyRunning(logger, source);
                return new CheckRunOutcome(CheckRunKind.AlreadyRunning, null, [], "another check run holds the lock");
            }

            var delivering = AlertSources.IsDelivering(source);
            var failedBefore = await FailedBeforeAsync(delivering, cancellationToken);
            var run = incremental ? await store.RecordIncrementalRunAsync(cancellationToken)
                : requestedBy is null ? await store.RecordRunAsync(source, cancellationToken)
                : await store.RecordRequestedRunAsync(source, requestedBy, cancellationToken);
            var alerts = await PlanAsync(planner, run, failedBefore, delivering, cancellationToken);
            LogRecorded(logger, run.RunId, run.Source, run.Status, run.GhostUsers, run.OrphanedProfiles, run.TriggerState, alerts.Count);

            var ghostsFailed = run.Checks.Any(c => c.Name == CheckNames.GhostUsers && !c.Passed);
            if (!ghostsFailed || autoRepair is not { Enabled: true } || !AlertSources.IsScheduled(source))
            {
                return new CheckRunOutcome(CheckRunKind.Completed, run, alerts, null);
            }

            var repair = await autoRepair.RepairAsync(run, cancellationToken);
            alerts = alerts.Select(a => a.Check == CheckNames.GhostUsers && a.Status == AlertStatus.Firing ? a with { Observed = repair.Note } : a).ToList();
            LogAutoRepair(logger, run.RunId, repair.Note);
            if (!repair.Attempted)
            {
                return new CheckRunOutcome(CheckRunKind.Completed, run, alerts, null) { AutoRepair = repair };
            }

            // The re-check is a full run: only it can say that no ghost is left (and resolve).
            MonitoringRun recheck;
            try
            {
                recheck = await store.RecordRunAsync(AlertSources.AutoRepair, cancellationToken);
            }
            catch (Exception ex) when (DatabaseFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The run and the repair are recorded: their messages go out, with the failure.
                var reason = "the re-check after the automatic repair failed: " + DatabaseFailure.Describe(ex);
                LogCouldNotRun(logger, reason);
                return new CheckRunOutcome(CheckRunKind.Completed, run, [.. alerts, planner.MonitorFailed(Guid.NewGuid(), clock.GetUtcNow(), reason)], null)
                {
                    AutoRepair = repair,
                };
            }

            var recheckAlerts = await PlanAsync(planner, recheck, AlertPlanner.FailingAfter(failedBefore, run), delivering, cancellationToken);
            LogRecorded(logger, recheck.RunId, recheck.Source, recheck.Status, recheck.GhostUsers, recheck.OrphanedProfiles, recheck.TriggerState,
                recheckAlerts.Count);
            return new CheckRunOutcome(CheckRunKind.Completed, run, [.. alerts, .. recheckAlerts], null) { AutoRepair = repair, Recheck = recheck };
        }
        catch (Exception ex) when (DatabaseFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            var reason = DatabaseFailure.Describe(ex);
            LogCouldNotRun(logger, reason);
            var alert = planner.MonitorFailed(Guid.NewGuid(), clock.GetUtcNow(), reason);
            return new CheckRunOutcome(CheckRunKind.CouldNotRun, null, [alert], reason);
        }
    }

    // A delivering run compares with what the channels last heard of each check; a run that only
    // prints compares with the newest full run of any source.
    private async Task<IReadOnlySet<string>> FailedBeforeAsync(bool delivering, CancellationToken cancellationToken)
    {
        if (delivering)
        {
            return (await store.GetLatestCheckStatesAsync(AlertSources.Delivering, cancellationToken))
                .Where(s => !s.Passed).Select(s => s.Check).ToHashSet(StringComparer.Ordinal);
        }

        var previous = await store.GetLatestRunAsync(cancellationToken);
        return previous?.Checks.Where(c => !c.Passed).Select(c => c.Name).ToHashSet(StringComparer.Ordinal)
               ?? new HashSet<string>(StringComparer.Ordinal);
    }

    private async Task<IReadOnlyList<AlertMessage>> PlanAsync(AlertPlanner planner, MonitoringRun run, IReadOnlySet<string> failedBefore,
        bool delivering, CancellationToken cancellationToken)
    {
        var samples = await SamplesAsync(run, cancellationToken);
        // Streaks over the full runs the comparison came from (delivering ones, or all), ending at
        // this run. An incremental run repeats nothing, so it needs none.
        IReadOnlyList<FailureStreak> streaks = failedBefore.Count > 0 && run.Source != AlertSources.Incremental && run.Checks.Any(c => !c.Passed)
            ? await store.GetFailureStreaksAsync(delivering ? AlertSources.DeliveringFull : null, cancellationToken)
            : [];
        return planner.PlanAfter(run, failedBefore, samples, streaks);
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SamplesAsync(MonitoringRun run, CancellationToken cancellationToken)
    {
        var samples = new Dictionary<string, IReadOnlyList<string>>();
        if (_options.AlertSamples == 0)
        {
            return samples;
        }

        if (run.GhostUsers > 0)
        {
            samples[CheckNames.GhostUsers] = (await store.GetGhostsAsync(_options.AlertSamples, null, cancellationToken))
                .Select(Sample).ToList();
        }

        if (run.OrphanedProfiles > 0)
        {
            samples[CheckNames.OrphanedProfiles] = (await store.GetOrphansAsync(_options.AlertSamples, null, cancellationToken))
                .Select(Sample).ToList();
        }

        return samples;
    }

    private string Sample(GhostUser user) => _options.MaskPii
        ? $"{PiiMasker.ShortenId(user.UserId)} {PiiMasker.MaskEmail(user.Email)}"
        : $"{user.UserId} {user.Email ?? "(no email)"}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Check run skipped: another run holds the lock (source {Source})")]
    private static partial void LogAlreadyRunning(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Check run {RunId} ({Source}) recorded: {Status}, {GhostUsers} ghosts, {OrphanedProfiles} orphans, trigger {TriggerState}, {AlertCount} alerts")]
    private static partial void LogRecorded(ILogger logger, Guid runId, string source, SyncStatus status, long ghostUsers, long orphanedProfiles,
        string triggerState, int alertCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Check run {RunId}: {AutoRepair}")]
    private static partial void LogAutoRepair(ILogger logger, Guid runId, string autoRepair);

    [LoggerMessage(Level = LogLevel.Error, Message = "Check run could not run: {Reason}")]
    private static partial void LogCouldNotRun(ILogger logger, string reason);
}
