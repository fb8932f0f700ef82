namespace UserSync.Core.Reports;

/// <summary>
/// The report as rows of text, the one layout every format prints (the terminal table, markdown,
/// HTML), so the formats cannot disagree about a figure.
/// </summary>
public static class ReportTables
{
    public static string Title(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"User sync success metrics: {report.Period} ({report.Environment})";
    }

    public static string Subtitle(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"Period {ReportFormat.Time(report.From)} to {ReportFormat.Time(report.To)} UTC; observed until {ReportFormat.Time(report.ObservedUntil)} UTC; "
               + $"generated {ReportFormat.Time(report.GeneratedAt)} UTC.";
    }

    public static string Met(bool? met) => met switch { true => "yes", false => "NO", null => "—" };

    public static IReadOnlyList<string> ObjectiveHeader { get; } = ["metric", "target", "measured", "met"];

    public static IEnumerable<string[]> Objectives(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Objectives.Select(o => new[] { o.Name, o.Target, o.Actual, Met(o.Met) });
    }

    /// <summary>The other figures: runs, ghost-minutes, repairs and deliveries, as label/value pairs.</summary>
    public static IEnumerable<string[]> Figures(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sources = report.Runs.BySource.Count == 0 ? "" : " (" + string.Join(", ", report.Runs.BySource.Select(s => $"{s.Key} {s.Value}")) + ")";
        yield return ["Runs", $"{report.Runs.Total}{sources}"];
        yield return ["Incidents", $"{report.Incidents.Count} ({report.Incidents.Count(i => i.ResolvedAt is null)} still open)"];
        yield return ["Ghost-minutes", report.GhostMinutes.ToString("0.##", ReportFormat.Culture)];
        yield return ["Repairs, manual", $"{Count(report.Repairs.ManualBatches, "batch", "batches")}, {Count(report.Repairs.ManualUsers, "user", "users")}"];
        yield return ["Repairs, automatic", $"{Count(report.Repairs.AutomaticBatches, "batch", "batches")}, {Count(report.Repairs.AutomaticUsers, "user", "users")}"];
        yield return ["Self-service profiles", report.Repairs.SelfServiceProfiles.ToString(ReportFormat.Culture)];
        yield return ["Alerts in the ledger", $"{report.Alerts.Alerts} ({report.Alerts.Firing} firing, {report.Alerts.Resolved} resolved)"];
        foreach (var channel in report.Alerts.Channels)
        {
            yield return [$"Deliveries, {channel.Channel}", $"{channel.Delivered} delivered, {channel.NotDelivered} not delivered, {channel.Retried} retried"];
        }
    }

    private static string Count(long n, string one, string many) => $"{n.ToString(ReportFormat.Culture)} {(n == 1 ? one : many)}";

    public static IReadOnlyList<string> IncidentHeader { get; } =
        ["check", "severity", "started (UTC)", "resolved (UTC)", "runs", "max ghosts", "time to detect", "time to resolve",
         "repairs manual/auto", "users repaired", "without repair", "alerts delivered"];

    public static IEnumerable<string[]> Incidents(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Incidents.Select(i => new[]
        {
            i.Check,
            i.Severity,
            ReportFormat.Time(i.StartedAt) + (i.StartedBeforePeriod ? " (before the period)" : ""),
            i.ResolvedAt is { } at ? ReportFormat.Time(at) : "still open",
            i.FailingRuns.ToString(ReportFormat.Culture),
            i.MaxGhosts.ToString(ReportFormat.Culture),
            i.TimeToDetectMinutes is { } ttd ? ReportFormat.Duration(ttd) : "—",
            i.TimeToResolveMinutes is { } ttr ? ReportFormat.Duration(ttr) : "—",
            $"{i.ManualRepairs}/{i.AutomaticRepairs}",
            i.UsersRepaired.ToString(ReportFormat.Culture),
            i.ResolvedWithoutRepair switch { true => "yes", false => "no", null => "—" },
            i.AlertsDelivered.ToString(ReportFormat.Culture),
        });
    }
}
