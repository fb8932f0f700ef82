using UserSync.Core.Checks;

namespace UserSync.Core.Store;

/// <summary>The user_sync SQL functions, called as the least-privilege user_sync_monitor role.</summary>
public interface IUserSyncStore
{
    /// <summary>A session-level advisory lock that only one check run holds at a time; null when another run holds it.</summary>
    Task<IAsyncDisposable?> TryAcquireRunLockAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The repair lock: a session-level advisory lock (another key than the run lock) that every
    /// applying repair holds, automatic or manual (CLI, HTTP), in every process on the database;
    /// null when another repair holds it.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquireRepairLockAsync(CancellationToken cancellationToken);

    Task<MonitoringRun?> GetLatestRunAsync(CancellationToken cancellationToken);

    /// <summary>The newest run recorded by one of <paramref name="sources"/>.</summary>
    Task<MonitoringRun?> GetLatestRunFromAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken);

    /// <summary>
    /// For the newest run of <paramref name="sources"/> (every source when null): each failing
    /// check's current failure streak (user_sync.get_failure_streaks), for the repeat policy.
    /// </summary>
    Task<IReadOnlyList<FailureStreak>> GetFailureStreaksAsync(IReadOnlyList<string>? sources, CancellationToken cancellationToken);

    Task<MonitoringRun> RecordRunAsync(string source, CancellationToken cancellationToken);

    /// <summary>
    /// The full check, recorded with <paramref name="source"/> and who asked for it
    /// (user_sync.record_requested_run: "dashboard:&lt;principal id&gt;"; an id, never an email).
    /// </summary>
    Task<MonitoringRun> RecordRequestedRunAsync(string source, string requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// The incremental check (user_sync.record_incremental_check): only the auth rows added since
    /// the last run's mark; recorded with source "incremental", its checks ghost_users and trigger_enabled.
    /// </summary>
    Task<MonitoringRun> RecordIncrementalRunAsync(CancellationToken cancellationToken);

    /// <summary>Per check, its newest result among runs of <paramref name="sources"/> (user_sync.get_latest_check_states).</summary>
    Task<IReadOnlyList<CheckState>> GetLatestCheckStatesAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken);

    Task<SyncStats> GetStatsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<MonitoringRun>> GetHistoryAsync(int days, CancellationToken cancellationToken);

    /// <summary>Ghosts in id order after <paramref name="after"/> (keyset paging).</summary>
    Task<IReadOnlyList<GhostUser>> GetGhostsAsync(int limit, Guid? after, CancellationToken cancellationToken);

    Task<IReadOnlyList<GhostUser>> GetOrphansAsync(int limit, Guid? after, CancellationToken cancellationToken);

    /// <summary>
    /// One bounded batch of user_sync.repair_ghost_users, in its own transaction: the next ghosts in
    /// id order after <paramref name="after"/> (null: from the start). An empty result means no ghost
    /// is left after it; pass the last returned id to get the next batch (see <see cref="GhostRepair"/>).
    /// <paramref name="requestedBy"/> (who asked: "cli", "function-key", "auto-repair", an admin's
    /// object id; never an email) goes into the batch's audit row.
    /// </summary>
    Task<IReadOnlyList<RepairedUser>> RepairBatchAsync(int batchSize, bool dryRun, Guid? after, string? requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// The cleanup audit log newest first (user_sync.get_cleanup_audit), <paramref name="limit"/> rows
    /// (1..1000) with ids below <paramref name="before"/> (null: from the newest); pass the last
    /// returned id to get the next page.
    /// </summary>
    Task<IReadOnlyList<CleanupAuditEntry>> GetCleanupAuditAsync(int limit, long? before, CancellationToken cancellationToken);
}
