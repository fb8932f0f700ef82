using Dapper;
using UserSync.Core.Checks;
using UserSync.Core.Store;

namespace UserSync.Core.Reports;

/// <summary>
/// The report's three bounded reads (user_sync.get_report_runs / _audit / _deliveries), as the
/// monitor's login. With <see cref="RecentReportRuns"/> (the function app's, for the dashboard's
/// polls) the runs of a recent period come from what it holds; otherwise every read is direct.
/// </summary>
public sealed class ReportReader(MonitorConnections connections, RecentReportRuns? recent = null)
{
    internal const string RunColumns = "run_id, checked_at, source, ghost_users, orphaned_profiles, count_difference, trigger_state, "
        + "trigger_enabled, checks::text as checks, oldest_ghost_created_at";

    public async Task<ReportFacts> ReadAsync(ReportPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var runs = await RunsAsync(connection, period, cancellationToken);

        // Audit and deliveries from the first incident's start (a run before the period), so an
        // incident carried in sees its repairs and alerts; within the readers' bound.
        var since = runs.Count > 0 && runs[0].CheckedAt < period.From ? runs[0].CheckedAt : period.From;
        if (period.To - since > TimeSpan.FromDays(ReportPeriod.MaxDays))
        {
            since = period.To - TimeSpan.FromDays(ReportPeriod.MaxDays);
        }

        var window = new { from = since.UtcDateTime, to = period.To.UtcDateTime };
        var audit = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
                "select id, action, performed_at, performed_by, affected_count, requested_by from user_sync.get_report_audit(@from, @to)",
                window, cancellationToken: cancellationToken)))
            .Select(a => new ReportAuditRow(a.id, a.action, Utc(a.performed_at), a.performed_by, a.affected_count, a.requested_by)).ToList();
        var deliveries = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
                "select alert_id, check_name, alert_status, channel, delivered, delivered_at, attempts from user_sync.get_report_deliveries(@from, @to)",
                window, cancellationToken: cancellationToken)))
            .Select(d => new ReportDeliveryRow(d.alert_id, d.check_name, d.alert_status, d.channel, d.delivered,
                d.delivered_at is { } at ? Utc(at) : null, d.attempts)).ToList();
        return new ReportFacts(runs, audit, deliveries);
    }

    /// <summary>The runs of the period as get_report_runs gives them (with the runs its first incidents started in).</summary>
    public async Task<IReadOnlyList<ReportRun>> ReadRunsAsync(ReportPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await RunsAsync(connection, period, cancellationToken);
    }

    private async Task<IReadOnlyList<ReportRun>> RunsAsync(Npgsql.NpgsqlConnection connection, ReportPeriod period, CancellationToken cancellationToken) =>
        (recent is null ? null : await recent.RunsForAsync(connection, period, cancellationToken))
            ?? (await connection.QueryAsync<RunRow>(new CommandDefinition(
                $"select {RunColumns} from user_sync.get_report_runs(@from, @to)",
                new { from = period.From.UtcDateTime, to = period.To.UtcDateTime }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRun()).ToList();

    internal static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

#pragma warning disable IDE1006, CA1812 // Dapper rows: names match the SQL columns and Dapper instantiates them.
    internal sealed class RunRow
    {
        public long id { get; set; }
        public Guid run_id { get; set; }
        public DateTime checked_at { get; set; }
        public string source { get; set; } = "";
        public long ghost_users { get; set; }
        public long orphaned_profiles { get; set; }
        public long count_difference { get; set; }
        public string trigger_state { get; set; } = "";
        public bool trigger_enabled { get; set; }
        public string checks { get; set; } = "[]";
        public DateTime? oldest_ghost_created_at { get; set; }

        public ReportRun ToRun() => new(run_id, Utc(checked_at), source, ghost_users, orphaned_profiles, count_difference, trigger_state,
            trigger_enabled,
            StoredChecks.Parse(checks),
            oldest_ghost_created_at is { } at ? Utc(at) : null);
    }

    private sealed class AuditRow
    {
        public long id { get; set; }
        public string action { get; set; } = "";
        public DateTime performed_at { get; set; }
        public string performed_by { get; set; } = "";
        public int affected_count { get; set; }
        public string? requested_by { get; set; }
    }

    private sealed class DeliveryRow
    {
        public string alert_id { get; set; } = "";
        public string check_name { get; set; } = "";
        public string alert_status { get; set; } = "";
        public string channel { get; set; } = "";
        public bool delivered { get; set; }
        public DateTime? delivered_at { get; set; }
        public int attempts { get; set; }
    }
#pragma warning restore IDE1006, CA1812
}
