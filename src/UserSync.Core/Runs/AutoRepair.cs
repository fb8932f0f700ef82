using System.Globalization;
using Microsoft.Extensions.Options;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Store;
using UserSync.Core.Telemetry;

namespace UserSync.Core.Runs;

/// <summary>What an automatic repair did, or why it did not act; <see cref="Note"/> is what the ghost alert says.</summary>
public sealed record AutoRepairResult(long Found, bool Attempted, string? RefusedBecause, long Repaired, int Batches, bool Complete,
    string? StoppedBy, DateTimeOffset At)
{
    /// <summary>"3 ghost users found and repaired at 2026-12-02 10:15:07 UTC (auto-repair)", or why not.</summary>
    public string Note
    {
        get
        {
            if (!Attempted)
            {
                return Format($"{Found} ghost users; not auto-repaired: {RefusedBecause}");
            }

            var at = Format($"{At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
            if (!Complete)
            {
                return Format($"{Found} ghost users found; auto-repair repaired {Repaired} at {at} and stopped ({StoppedBy ?? "its limits"}); the re-check says what is left");
            }

            return Repaired == Found
                ? Format($"{Found} ghost users found and repaired at {at} (auto-repair)")
                : Format($"{Found} ghost users found; auto-repair repaired {Repaired} (every ghost left) at {at}");
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The automatic repair a scheduled run starts when it found ghosts (docs/runbook.md, "Automatic
/// repair"). It acts only when it is safe: the trigger is enabled (else every new signup is a new
/// ghost and the trigger is the fix), the run found no more than the ceiling (a flood means
/// something bigger is wrong: a person decides), and no other repair holds the repair lock. It
/// repairs in batches, each audited as requested by "auto-repair", within a time budget.
/// </summary>
public sealed class AutoRepairer(IUserSyncStore store, IOptions<AutoRepairOptions> options, TimeProvider clock, UserSyncTelemetry? telemetry = null)
{
    /// <summary>Inside the timer's functionTimeout (host.json, 10 minutes) with the re-check after it.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromMinutes(3);

    private readonly AutoRepairOptions _options = options.Value;

    public bool Enabled => _options.Enabled;

    public async Task<AutoRepairResult> RepairAsync(MonitoringRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var found = run.GhostUsers;
        if (!run.TriggerEnabled)
        {
            return Refused(found, string.Create(CultureInfo.InvariantCulture,
                $"the sync trigger is {run.TriggerState} (every new signup would be a new ghost): restore it, then repair"));
        }

        if (found > _options.MaxGhosts)
        {
            return Refused(found, string.Create(CultureInfo.InvariantCulture,
                $"more than the ceiling of {_options.MaxGhosts} (UserSync:AutoRepair:MaxGhosts); a flood means something bigger is wrong, a person decides"));
        }

        await using var repairLock = await store.TryAcquireRepairLockAsync(cancellationToken);
        if (repairLock is null)
        {
            return Refused(found, "another repair is running");
        }

        var started = clock.GetTimestamp();
        long repaired = 0;
        var budgetSpent = false;
        var progress = await GhostRepair.RepairAllAsync(store, Math.Min(_options.BatchSize, _options.MaxGhosts), AutoRepairOptions.RequestedBy,
            mayStartBatch: () =>
            {
                budgetSpent = clock.GetElapsedTime(started) >= TimeBudget;
                return !budgetSpent && repaired < _options.MaxGhosts;
            },
            onBatch: p => repaired = p.Repaired,
            cancellationToken);
        telemetry?.RecordRepair(progress.Repaired, automatic: true);
        var stoppedBy = progress.StoppedBy
                        ?? (progress.Complete ? null : budgetSpent ? "time budget spent" : "ceiling reached");
        return new AutoRepairResult(found, Attempted: true, RefusedBecause: null, progress.Repaired, progress.Batches, progress.Complete,
            stoppedBy, clock.GetUtcNow());
    }

    private AutoRepairResult Refused(long found, string reason)
    {
        telemetry?.RecordAutoRepairRefused();
        return new AutoRepairResult(found, Attempted: false, reason, 0, 0, Complete: false, StoppedBy: null, clock.GetUtcNow());
    }
}
