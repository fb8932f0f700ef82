using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using UserSync.Core.Checks;
using UserSync.Core.Store;

namespace UserSync.Core.Dashboard;

/// <summary>
/// The dashboard's reads (user_sync.get_dashboard_*), as the monitor's login: recorded runs, the
/// audit log and the delivery ledger only, one statement each; none counts the users tables.
/// </summary>
public sealed class DashboardReader(MonitorConnections connections)
{
    private static readonly JsonSerializerOptions StreakJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>What a poll compares: the newest run and audit row and a mark of the ledger (one tiny statement).</summary>
    public async Task<DashboardVersion> GetVersionAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<VersionRow>(
            "select last_run_id, last_audit_id, deliveries, delivery_attempts, last_delivery_at from user_sync.get_dashboard_version()",
            null, cancellationToken))
        .Select(v => new DashboardVersion(v.last_run_id, v.last_audit_id, v.deliveries, v.delivery_attempts, Utc(v.last_delivery_at)))
        .Single();

    public async Task<DashboardSummaryFacts> GetSummaryAsync(CancellationToken cancellationToken)
    {
        var row = (await QueryAsync<SummaryRow>("select *, checks::text as checks_text, streaks::text as streaks_text from user_sync.get_dashboard_summary()",
            null, cancellationToken)).Single();
        DashboardRun? run = row.run_id is { } id
            ? new DashboardRun(id, Utc(row.checked_at!.Value), Enum.Parse<SyncStatus>(row.status!, ignoreCase: true), row.source!, row.requested_by,
                row.duration_ms ?? 0, row.auth_users ?? 0, row.profiles ?? 0, row.ghost_users ?? 0, row.orphaned_profiles ?? 0,
                row.count_difference ?? 0, row.trigger_state!, row.trigger_enabled ?? false, StoredChecks.Parse(row.checks_text ?? "[]"))
            : null;
        var streaks = (JsonSerializer.Deserialize<List<StreakItem>>(row.streaks_text ?? "[]", StreakJson) ?? [])
            .Select(s => new FailureStreak(s.CheckName, s.FailingSince.ToUniversalTime(), s.FailingRuns)).ToList();
        return new DashboardSummaryFacts(run, Utc(row.status_since), streaks, Utc(row.last_auto_repair_at), row.last_auto_repaired,
            row.database_empty);
    }

    /// <summary>The full runs of the last <paramref name="days"/> days (1..366), newest first.</summary>
    public async Task<IReadOnlyList<DashboardHistoryRun>> GetHistoryAsync(int days, CancellationToken cancellationToken) =>
        (await QueryAsync<HistoryRow>("select * from user_sync.get_dashboard_history(@days)", new { days }, cancellationToken))
        .Select(r => new DashboardHistoryRun(r.run_id, Utc(r.checked_at), Enum.Parse<SyncStatus>(r.status, ignoreCase: true), r.source,
            r.requested_by, r.auth_users, r.profiles, r.ghost_users, r.orphaned_profiles, r.count_difference, r.duration_ms))
        .ToList();

    /// <summary>The newest <paramref name="limit"/> (1..1000) deliveries of the ledger.</summary>
    public async Task<IReadOnlyList<DashboardDelivery>> GetDeliveriesAsync(int limit, CancellationToken cancellationToken) =>
        (await QueryAsync<DeliveryRow>("select * from user_sync.get_dashboard_deliveries(@limit)", new { limit }, cancellationToken))
        .Select(d => new DashboardDelivery(d.alert_id, d.check_name, d.alert_status, d.receiver, d.channel, d.outcome, d.attempts,
            d.last_status_code, Utc(d.happened_at)))
        .ToList();

    /// <summary>
    /// A page of the ghosts the latest run recorded that are still ghosts, in id order after
    /// <paramref name="after"/> (user_sync.get_dashboard_ghosts: by primary key, no scan of the users tables).
    /// </summary>
    public async Task<IReadOnlyList<GhostUser>> GetGhostsAsync(int limit, Guid? after, CancellationToken cancellationToken) =>
        (await QueryAsync<GhostRow>("select user_id, email, created_at from user_sync.get_dashboard_ghosts(@limit, @after)",
            new { limit, after }, cancellationToken))
        .Select(g => new GhostUser(g.user_id, g.email, Utc(g.created_at)))
        .ToList();

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? Utc(value) : null;

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

#pragma warning disable IDE1006, CA1812 // Dapper rows: names match the SQL columns and Dapper instantiates them.
    private sealed class VersionRow
    {
        public long? last_run_id { get; set; }
        public long? last_audit_id { get; set; }
        public long deliveries { get; set; }
        public long delivery_attempts { get; set; }
        public DateTime? last_delivery_at { get; set; }
    }

    private sealed class SummaryRow
    {
        public Guid? run_id { get; set; }
        public DateTime? checked_at { get; set; }
        public string? status { get; set; }
        public string? source { get; set; }
        public string? requested_by { get; set; }
        public decimal? duration_ms { get; set; }
        public long? auth_users { get; set; }
        public long? profiles { get; set; }
        public long? ghost_users { get; set; }
        public long? orphaned_profiles { get; set; }
        public long? count_difference { get; set; }
        public string? trigger_state { get; set; }
        public bool? trigger_enabled { get; set; }
        public string? checks_text { get; set; }
        public DateTime? status_since { get; set; }
        public string? streaks_text { get; set; }
        public DateTime? last_auto_repair_at { get; set; }
        public long? last_auto_repaired { get; set; }
        public bool database_empty { get; set; }
    }

    private sealed class StreakItem
    {
        [JsonPropertyName("check_name")]
        public string CheckName { get; set; } = "";

        [JsonPropertyName("failing_since")]
        public DateTimeOffset FailingSince { get; set; }

        [JsonPropertyName("failing_runs")]
        public int FailingRuns { get; set; }
    }

    private sealed class HistoryRow
    {
        public Guid run_id { get; set; }
        public DateTime checked_at { get; set; }
        public string status { get; set; } = "";
        public string source { get; set; } = "";
        public string? requested_by { get; set; }
        public long auth_users { get; set; }
        public long profiles { get; set; }
        public long ghost_users { get; set; }
        public long orphaned_profiles { get; set; }
        public long count_difference { get; set; }
        public decimal duration_ms { get; set; }
    }

    private sealed class GhostRow
    {
        public Guid user_id { get; set; }
        public string? email { get; set; }
        public DateTime created_at { get; set; }
    }

    private sealed class DeliveryRow
    {
        public string alert_id { get; set; } = "";
        public string check_name { get; set; } = "";
        public string alert_status { get; set; } = "";
        public string receiver { get; set; } = "";
        public string channel { get; set; } = "";
        public string outcome { get; set; } = "";
        public int attempts { get; set; }
        public int? last_status_code { get; set; }
        public DateTime? happened_at { get; set; }
    }
#pragma warning restore IDE1006, CA1812
}
