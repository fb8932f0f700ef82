namespace UserSync.Core.Reports;

/// <summary>The monthly report (section "UserSync:Report"): opt-in, and who receives it.</summary>
public sealed class ReportOptions
{
    public const string SectionName = "UserSync:Report";

    /// <summary>"UserSync:Report:Enabled": MonthlyReport sends last month's report on its schedule (default off).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// "UserSync:Report:Receivers:0", ":1", ...: receivers of the routing tree (UserSync:Alerts:Receivers)
    /// that get the report by email and Slack. Empty means the receiver <c>default</c>, the flat channel settings.
    /// </summary>
    public List<string> Receivers { get; set; } = [];
}

/// <summary>Sends a built report to its receivers; what each receiver's channel answered.</summary>
public interface IReportSender
{
    Task<IReadOnlyList<ReportDelivery>> SendAsync(SuccessReport report, CancellationToken cancellationToken);
}

/// <summary>One receiver's channel: delivered now, already delivered earlier (the ledger says so), or failed with a reason that holds no secret.</summary>
public sealed record ReportDelivery(string Receiver, string Channel, ReportDeliveryOutcome Outcome, string Detail);

public enum ReportDeliveryOutcome
{
    Delivered,
    AlreadyDelivered,
    Failed,
}
