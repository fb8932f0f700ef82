using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Posts an alert to a Slack incoming webhook: a text fallback plus blocks (header, severity,
/// check, observed vs expected, environment, run, masked samples, runbook link).
/// </summary>
public sealed partial class SlackChannel(IHttpClientFactory httpClientFactory, IOptions<SlackOptions> options, ILogger<SlackChannel> logger)
    : IAlertChannel
{
    public const string ChannelName = "slack";

    // Slack caps a section's text at 3000 characters; a few samples are enough to start looking.
    private const int MaxSamples = 10;

    public string Name => ChannelName;

    public Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return PostAsync(BuildPayload(alert), alert.AlertId, cancellationToken);
    }

    /// <summary>
    /// Posts any webhook body (the monthly report's summary) through the same webhook and resilient
    /// HttpClient; <paramref name="reference"/> names the message in logs.
    /// </summary>
    public async Task<ChannelDelivery> PostAsync(JsonObject payload, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var webhook = options.Value.WebhookUrl ?? throw new InvalidOperationException("UserSync:Alerts:Slack:WebhookUrl is not configured.");
        return await ChannelHttp.PostJsonAsync(httpClientFactory.CreateClient(ChannelName), webhook,
            payload.ToJsonString(), ChannelName,
            new ChannelOutcomeLog(
                status => LogDelivered(logger, reference, status),
                status => LogRejected(logger, reference, status),
                kind => LogUnreachable(logger, reference, kind)),
            cancellationToken);
    }

    /// <summary>The webhook body: {text, blocks}. Public so the payload can be shown and tested without a server.</summary>
    public static JsonObject BuildPayload(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var resolved = alert.Status == AlertStatus.Resolved;
        var severity = alert.Severity.ToString().ToLowerInvariant();
        var status = resolved ? "resolved" : "firing";
        var label = resolved ? "RESOLVED" : severity.ToUpperInvariant();
        var observed = Escape(PiiMasker.MaskEmailsIn(alert.Observed));
        var expected = Escape(PiiMasker.MaskEmailsIn(alert.Expected));
        var runbook = Escape(alert.RunbookUrl);

        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = PlainText($"{(resolved ? ":white_check_mark:" : ":rotating_light:")} {label}: {alert.Check} ({alert.Environment})"),
            },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(
                    Mrkdwn($"*Severity*\n{severity}"),
                    Mrkdwn($"*Status*\n{status}"),
                    Mrkdwn($"*Check*\n{Escape(alert.Check)}"),
                    Mrkdwn($"*Environment*\n{Escape(alert.Environment)}"),
                    Mrkdwn($"*Observed*\n{observed}"),
                    Mrkdwn($"*Expected*\n{expected}"),
                    Mrkdwn($"*Run*\n`{alert.RunId:D}`"),
                    Mrkdwn($"*Detected at*\n{alert.DetectedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC")),
            },
        };
        if (alert.Samples.Count > 0)
        {
            var samples = alert.Samples.Take(MaxSamples).Select(s => $"• {Escape(PiiMasker.MaskEmailsIn(s))}");
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = Mrkdwn($"*Samples (masked)*\n{string.Join('\n', samples)}"),
            });
        }

        blocks.Add(new JsonObject { ["type"] = "section", ["text"] = Mrkdwn($"*Runbook:* <{runbook}|{runbook}>") });
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(Mrkdwn($"dedup key `{Escape(alert.DedupKey)}`")),
        });

        return new JsonObject
        {
            ["text"] = $"[{label}] user sync {Escape(alert.Check)} {status} ({Escape(alert.Environment)}): "
                       + $"observed {observed}, expected {expected}. Runbook: <{runbook}>",
            ["blocks"] = blocks,
        };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    // Slack's mrkdwn treats these three as control characters.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);



    [LoggerMessage(Level = LogLevel.Information, Message = "{Reference} delivered to slack ({StatusCode})")]
    private static partial void LogDelivered(ILogger logger, string reference, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reference} rejected by slack ({StatusCode})")]
    private static partial void LogRejected(ILogger logger, string reference, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reference} not delivered to slack: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reference, string reason);
}
