using Dapper;
using Npgsql;
using UserSync.Core.Checks;

namespace UserSync.Core.Store;

/// <summary>Npgsql + Dapper over the user_sync functions. Every connection it opens runs with the statement timeout.</summary>
public sealed class PostgresUserSyncStore(MonitorConnections connections) : IUserSyncStore
{
    // One fixed key for the whole monitor ("USYNC1" in ASCII), so every host contends for the same lock.
    private const long RunLockKey = 0x5553_594E_4331;

    /// <summary>The repair lock's advisory lock key ("USYNR1"): automatic and manual repairs, from any host, take turns.</summary>
    public const long RepairLockKey = 0x5553_594E_5231;

    public Task<IAsyncDisposable?> TryAcquireRunLockAsync(CancellationToken cancellationToken) =>
        TryAcquireLockAsync(RunLockKey, cancellationToken);

    public Task<IAsyncDisposable?> TryAcquireRepairLockAsync(CancellationToken cancellationToken) =>
        TryAcquireLockAsync(RepairLockKey, cancellationToken);

    private async Task<IAsyncDisposable?> TryAcquireLockAsync(long key, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var acquired = await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition("select pg_try_advisory_lock(@key)", new { key }, cancellationToken: cancellationToken));
            if (acquired)
            {
                return new AdvisoryLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async Task<MonitoringRun?> GetLatestRunAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.get_latest_sync_status()", null, cancellationToken))
        .Select(r => r.ToRun()).SingleOrDefault();

    public async Task<MonitoringRun?> GetLatestRunFromAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.get_latest_sync_status_from(@sources)",
            new { sources = sources.ToArray() }, cancellationToken))
        .Select(r => r.ToRun()).SingleOrDefault();

    public async Task<IReadOnlyList<FailureStreak>> GetFailureStreaksAsync(IReadOnlyList<string>? sources, CancellationToken cancellationToken) =>
        (await QueryAsync<StreakRow>(
            "select check_name as checkname, failing_since as failingsince, failing_runs as failingruns from user_sync.get_failure_streaks(@sources)",
            new { sources = sources?.ToArray() }, cancellationToken))
        .Select(r => new FailureStreak(r.CheckName, Utc(r.FailingSince), r.FailingRuns)).ToList();

    public async Task<MonitoringRun> RecordRunAsync(string source, CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.record_user_sync_metrics(@source)", new { source }, cancellationToken))
        .Single().ToRun();

    public async Task<MonitoringRun> RecordRequestedRunAsync(string source, string requestedBy, CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.record_requested_run(@source, @requestedBy)", new { source, requestedBy },
            cancellationToken))
        .Single().ToRun();

    public async Task<MonitoringRun> RecordIncrementalRunAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.record_incremental_check()", null, cancellationToken))
        .Single().ToRun();

    public async Task<IReadOnlyList<CheckState>> GetLatestCheckStatesAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken) =>
        (await QueryAsync<CheckStateRow>(
            "select check_name as checkname, passed, checked_at as checkedat, run_id as runid, source from user_sync.get_latest_check_states(@sources)",
            new { sources = sources.ToArray() }, cancellationToken))
        .Select(r => new CheckState(r.CheckName, r.Passed, Utc(r.CheckedAt), r.RunId, r.Source)).ToList();

    public async Task<SyncStats> GetStatsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<StatsRow>("select * from user_sync.get_user_sync_stats()", null, cancellationToken))
        .Single().ToStats();

    public async Task<IReadOnlyList<MonitoringRun>> GetHistoryAsync(int days, CancellationToken cancellationToken) =>
        (await QueryAsync<MonitoringLogRow>("select * from user_sync.get_sync_status_history(@days)", new { days }, cancellationToken))
        .Select(r => r.ToRun()).ToList();

    public async Task<IReadOnlyList<GhostUser>> GetGhostsAsync(int limit, Guid? after, CancellationToken cancellationToken) =>
        (await QueryAsync<PersonRow>(
            "select user_id as id, email, created_at as createdat from user_sync.check_ghost_users(@limit, @after)",
            new { limit, after }, cancellationToken))
        .Select(r => new GhostUser(r.Id, r.Email, Utc(r.CreatedAt))).ToList();

    public async Task<IReadOnlyList<GhostUser>> GetOrphansAsync(int limit, Guid? after, CancellationToken cancellationToken) =>
        (await QueryAsync<PersonRow>(
            "select profile_id as id, email, created_at as createdat from user_sync.check_orphaned_profiles(@limit, @after)",
            new { limit, after }, cancellationToken))
        .Select(r => new GhostUser(r.Id, r.Email, Utc(r.CreatedAt))).ToList();

    public async Task<IReadOnlyList<RepairedUser>> RepairBatchAsync(int batchSize, bool dryRun, Guid? after, string? requestedBy, CancellationToken cancellationToken) =>
        (await QueryAsync<RepairRow>(
            "select user_id as id, created_at as createdat, repaired from user_sync.repair_ghost_users(@batchSize, @dryRun, @after, @requestedBy)",
            new { batchSize, dryRun, after, requestedBy }, cancellationToken))
        .Select(r => new RepairedUser(r.Id, Utc(r.CreatedAt), r.Repaired)).ToList();

    public async Task<IReadOnlyList<CleanupAuditEntry>> GetCleanupAuditAsync(int limit, long? before, CancellationToken cancellationToken) =>
        (await QueryAsync<AuditRow>(
            "select id, action, performed_at, performed_by, application, affected_count, affected_ids, details->>'batch_size' as batch_size, "
            + "details->>'requested_by' as requested_by from user_sync.get_cleanup_audit(@limit, @before)",
            new { limit, before }, cancellationToken))
        .Select(r => new CleanupAuditEntry(r.id, r.action, Utc(r.performed_at), r.performed_by, r.application, r.affected_count,
            r.affected_ids, int.TryParse(r.batch_size, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : null,
            r.requested_by))
        .ToList();

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? Utc(value) : null;

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => connections.OpenAsync(cancellationToken);

    private sealed class AdvisoryLock(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        // Closing the session releases the lock even if the unlock below never runs.
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key });
            }
            catch (NpgsqlException)
            {
                // The session is gone, and with it the lock.
            }

            await connection.DisposeAsync();
        }
    }

#pragma warning disable IDE1006, CA1812 // Dapper rows: names match the SQL columns and Dapper instantiates them.
    private sealed class MonitoringLogRow
    {
        public Guid run_id { get; set; }
        public DateTime checked_at { get; set; }
        public string status { get; set; } = "";
        public long auth_users { get; set; }
        public long profiles { get; set; }
        public long ghost_users { get; set; }
        public long orphaned_profiles { get; set; }
        public long count_difference { get; set; }
        public string trigger_state { get; set; } = "";
        public bool trigger_enabled { get; set; }
        public string checks { get; set; } = "[]";
        public decimal duration_ms { get; set; }
        public string run_by { get; set; } = "";
        public string source { get; set; } = "";

        public MonitoringRun ToRun() => new(
            run_id,
            Utc(checked_at),
            Enum.Parse<SyncStatus>(status, ignoreCase: true),
            auth_users, profiles, ghost_users, orphaned_profiles, count_difference,
            trigger_state, trigger_enabled,
            StoredChecks.Parse(checks),
            duration_ms, run_by, source);
    }

    private sealed class StatsRow
    {
        public long auth_users { get; set; }
        public long profiles { get; set; }
        public long ghost_users { get; set; }
        public long orphaned_profiles { get; set; }
        public long count_difference { get; set; }
        public string trigger_state { get; set; } = "";
        public bool trigger_enabled { get; set; }
        public DateTime measured_at { get; set; }

        public SyncStats ToStats() => new(auth_users, profiles, ghost_users, orphaned_profiles, count_difference,
            trigger_state, trigger_enabled, Utc(measured_at));
    }

    private sealed class PersonRow
    {
        public Guid Id { get; set; }
        public string? Email { get; set; }
        public DateTime? CreatedAt { get; set; }
    }

    private sealed class CheckStateRow
    {
        public string CheckName { get; set; } = "";
        public bool Passed { get; set; }
        public DateTime CheckedAt { get; set; }
        public Guid RunId { get; set; }
        public string Source { get; set; } = "";
    }

    private sealed class StreakRow
    {
        public string CheckName { get; set; } = "";
        public DateTime FailingSince { get; set; }
        public int FailingRuns { get; set; }
    }

    private sealed class AuditRow
    {
        public long id { get; set; }
        public string action { get; set; } = "";
        public DateTime performed_at { get; set; }
        public string performed_by { get; set; } = "";
        public string application { get; set; } = "";
        public int affected_count { get; set; }
        public Guid[] affected_ids { get; set; } = [];
        public string? batch_size { get; set; }
        public string? requested_by { get; set; }
    }

    private sealed class RepairRow
    {
        public Guid Id { get; set; }
        public DateTime? CreatedAt { get; set; }
        public bool Repaired { get; set; }
    }
#pragma warning restore IDE1006, CA1812
}
