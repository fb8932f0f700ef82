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
/// records nor alerts twice), records the checks, compares with the previous run and returns the
/// alert messages. When the database cannot be reached or a statement times out, the outcome is
/// a critical monitor_failed alert instead of silence.
/// </summary>
public sealed partial class CheckRunner(
    IUserSyncStore store,
    IOptions<UserSyncOptions> options,
    TimeProvider clock,
    ILogger<CheckRunner> logger,
    UserSyncTelemetry? telemetry = null)
{
    private readonly UserSyncOptions _options = options.Value;

    public async Task<CheckRunOutcome> RunAsync(string source, CancellationToken cancellationToken)
    {
        using var activity = UserSyncTelemetry.Source.StartActivity("usersync.check_run");
        activity?.SetTag("usersync.source", source);
        var started = clock.GetTimestamp();
        var outcome = await RunOnceAsync(source, cancellationToken);
        telemetry?.RecordRun(outcome, clock.GetElapsedTime(started));
        activity?.SetTag("usersync.outcome", outcome.Kind.ToString());
        activity?.SetTag("usersync.status", outcome.Run?.Status.ToString());
        activity?.SetTag("usersync.alerts", outcome.Alerts.Count);
        if (outcome.Kind == CheckRunKind.CouldNotRun)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.FailureReason);
        }

        return outcome;
    }

    private async Task<CheckRunOutcome> RunOnceAsync(string source, CancellationToken cancellationToken)
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
            var previous = delivering
                ? await store.GetLatestRunFromAsync(AlertSources.Delivering, cancellationToken)
                : await store.GetLatestRunAsync(cancellationToken);
            var run = await store.RecordRunAsync(source, cancellationToken);
            var samples = await SamplesAsync(run, cancellationToken);
            // Streaks over the same runs `previous` came from (delivering ones, or all), ending at this run.
            IReadOnlyList<FailureStreak> streaks = previous is not null && run.Checks.Any(c => !c.Passed)
                ? await store.GetFailureStreaksAsync(delivering ? AlertSources.Delivering : null, cancellationToken)
                : [];
            var alerts = planner.Plan(run, previous, samples, streaks);
            LogRecorded(logger, run.RunId, run.Status, run.GhostUsers, run.OrphanedProfiles, run.TriggerState, alerts.Count);
            return new CheckRunOutcome(CheckRunKind.Completed, run, alerts, null);
        }
        catch (Exception ex) when (DatabaseFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            var reason = DatabaseFailure.Describe(ex);
            LogCouldNotRun(logger, reason);
            var alert = planner.MonitorFailed(Guid.NewGuid(), clock.GetUtcNow(), reason);
            return new CheckRunOutcome(CheckRunKind.CouldNotRun, null, [alert], reason);
        }
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
        Message = "Check run {RunId} recorded: {Status}, {GhostUsers} ghosts, {OrphanedProfiles} orphans, trigger {TriggerState}, {AlertCount} alerts")]
    private static partial void LogRecorded(ILogger logger, Guid runId, SyncStatus status, long ghostUsers, long orphanedProfiles,
        string triggerState, int alertCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Check run could not run: {Reason}")]
    private static partial void LogCouldNotRun(ILogger logger, string reason);
}
