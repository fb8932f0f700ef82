using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Core.Reports;

namespace UserSync.Functions.Functions;

/// <summary>
/// On the 1st (MonthlyReportSchedule): builds last month's report and sends it through the report
/// receivers (UserSync:Report:Receivers). Opt-in: with UserSync:Report:Enabled off (the default)
/// it logs that and does nothing. A channel that failed makes it throw, so the retry policy runs it
/// again; the ledger makes the retry send only what did not arrive.
/// </summary>
public sealed partial class MonthlyReportFunction(
    SuccessReports reports,
    IReportSender sender,
    IOptions<ReportOptions> options,
    TimeProvider clock,
    ILogger<MonthlyReportFunction> logger)
{
    public const string Name = "MonthlyReport";

    [Function(Name)]
    [ExponentialBackoffRetry(3, "00:01:00", "00:15:00")]
    public async Task RunAsync(
        [TimerTrigger("%" + MonthlyReportOptions.ScheduleSetting + "%", UseMonitor = true)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await SendLastMonthAsync(cancellationToken);
    }

    /// <summary>What one firing does; what each receiver's channel answered (empty when the report is off).</summary>
    public async Task<IReadOnlyList<ReportDelivery>> SendLastMonthAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return [];
        }

        var period = ReportPeriod.PreviousMonth(clock.GetUtcNow());
        var report = await reports.BuildAsync(period, cancellationToken);
        var deliveries = await sender.SendAsync(report, cancellationToken);
        foreach (var delivery in deliveries)
        {
            LogDelivery(logger, report.Period, delivery.Receiver, delivery.Channel, delivery.Outcome, delivery.Detail);
        }

        var failed = deliveries.Where(d => d.Outcome == ReportDeliveryOutcome.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new ReportNotDeliveredException(
                $"the {report.Period} report did not reach {string.Join(", ", failed.Select(f => $"{f.Receiver}/{f.Channel}"))}");
        }

        if (deliveries.Count == 0)
        {
            LogNoChannel(logger, report.Period);
        }

        return deliveries;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MonthlyReport is off (UserSync:Report:Enabled is not true); nothing sent")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "MonthlyReport {Period} to {Receiver} by {Channel}: {Outcome} ({Detail})")]
    private static partial void LogDelivery(ILogger logger, string period, string receiver, string channel, ReportDeliveryOutcome outcome, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MonthlyReport {Period}: no report receiver has email or Slack; nothing sent")]
    private static partial void LogNoChannel(ILogger logger, string period);
}

/// <summary>A report channel failed; thrown so the timer's retry policy runs the report again.</summary>
public sealed class ReportNotDeliveredException(string message) : Exception(message);
