using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;
using UserSync.Core.Reports;

namespace UserSync.Alerts;

/// <summary>
/// The monthly report through the report receivers (UserSync:Report:Receivers, receivers of the
/// routing tree; none given: the receiver <c>default</c>): the HTML report by email (the markdown
/// as its plain-text part) and a summary to Slack, each receiver's channel once per report through
/// the delivery ledger (key "report:&lt;environment&gt;:&lt;period&gt;"), so the timer's retry sends only
/// what failed. PagerDuty is not a report channel: a report is not an incident.
/// </summary>
public sealed partial class ReportReceiverSender(
    AlertReceiverChannels channels,
    AlertDeliveryLedger ledger,
    IOptions<ReportOptions> options,
    ILogger<ReportReceiverSender> logger) : IReportSender
{
    public static IReadOnlyList<string> ReportChannels { get; } = [AlertChannelNames.Email, AlertChannelNames.Slack];

    /// <summary>The ledger key of one report: "report:prod:2026-11".</summary>
    public static string LedgerId(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"report:{report.Environment}:{report.Period.Replace(' ', '_')}";
    }

    public static IReadOnlyList<string> Receivers(ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Receivers.Count > 0 ? options.Receivers : [AlertRouter.DefaultReceiver];
    }

    public async Task<IReadOnlyList<ReportDelivery>> SendAsync(SuccessReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var id = LedgerId(report);
        var subject = $"[REPORT] user sync success metrics {report.Period} ({report.Environment}): "
                      + $"{report.Objectives.Count(o => o.Met == false)} of {report.Objectives.Count} targets missed";
        var email = new EmailContent(subject, ReportMarkdown.Render(report), ReportHtml.Render(report));
        var slack = ReportSlack.Payload(report);
        var results = new List<ReportDelivery>();
        foreach (var receiver in Receivers(options.Value))
        {
            foreach (var name in ReportChannels)
            {
                if (channels.Find(receiver, name) is not { } channel)
                {
                    continue;
                }

                var claim = await ledger.ClaimAsync(id, receiver, name, cancellationToken);
                if (claim != LedgerClaim.Claimed)
                {
                    results.Add(new ReportDelivery(receiver, name,
                        claim == LedgerClaim.Delivered ? ReportDeliveryOutcome.AlreadyDelivered : ReportDeliveryOutcome.Failed,
                        claim == LedgerClaim.Delivered ? "already delivered" : "another instance is sending it"));
                    continue;
                }

                ChannelDelivery outcome;
                try
                {
                    outcome = channel switch
                    {
                        IEmailContentSender sender => await sender.SendContentAsync(email, id, cancellationToken),
                        SlackChannel slackChannel => await slackChannel.PostAsync(slack, id, cancellationToken),
                        _ => ChannelDelivery.Failed(null, $"channel {name} cannot send a report"),
                    };
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The type only: a channel's exception message may carry a URL or an address.
                    outcome = ChannelDelivery.Failed(null, $"threw {ex.GetType().Name}");
                }

                await ledger.CompleteAsync(id, receiver, name, outcome, cancellationToken);
                LogSent(logger, id, receiver, name, outcome.Delivered, outcome.Detail);
                results.Add(new ReportDelivery(receiver, name, outcome.Delivered ? ReportDeliveryOutcome.Delivered : ReportDeliveryOutcome.Failed,
                    outcome.Detail));
            }
        }

        return results;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {Reference} to receiver {Receiver} by {Channel}: delivered {Delivered} ({Detail})")]
    private static partial void LogSent(ILogger logger, string reference, string receiver, string channel, bool delivered, string detail);
}
