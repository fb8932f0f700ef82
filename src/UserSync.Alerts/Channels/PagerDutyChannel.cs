using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Sends an alert to PagerDuty Events API v2: "trigger" for firing, "resolve" for resolved, both
/// with the alert's dedup key, so one problem stays one incident until it resolves.
/// </summary>
public sealed partial class PagerDutyChannel(
    IHttpClientFactory httpClientFactory,
    IOptions<PagerDutyOptions> options,
    ILogger<PagerDutyChannel> logger) : IAlertChannel
{
    public const string ChannelName = "pagerduty";

    // PagerDuty truncates a summary at 1024 characters; cutting it ourselves keeps the end readable.
    private const int MaxSummaryLength = 1024;

    public string Name => ChannelName;

    public async Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var settings = options.Value;
        var baseUrl = settings.BaseUrl ?? throw new InvalidOperationException("UserSync:Alerts:PagerDuty:BaseUrl is not configured.");
        var endpoint = new Uri(new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/"), "v2/enqueue");
        // PagerDuty's error body can quote the event; the status alone says what to fix.
        return await ChannelHttp.PostJsonAsync(httpClientFactory.CreateClient(ChannelName), endpoint,
            BuildEvent(alert, settings.RoutingKey).ToJsonString(), ChannelName,
            new ChannelOutcomeLog(
                status => LogDelivered(logger, alert.AlertId, status),
                status => LogRejected(logger, alert.AlertId, status),
                kind => LogUnreachable(logger, alert.AlertId, kind)),
            cancellationToken);
    }

    /// <summary>The Events API v2 body. A resolve needs only the routing key, the action and the dedup key.</summary>
    public static JsonObject BuildEvent(AlertMessage alert, string routingKey)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Status == AlertStatus.Resolved)
        {
            return new JsonObject
            {
                ["routing_key"] = routingKey,
                ["event_action"] = "resolve",
                ["dedup_key"] = alert.DedupKey,
            };
        }

        var observed = PiiMasker.MaskEmailsIn(alert.Observed);
        var expected = PiiMasker.MaskEmailsIn(alert.Expected);
        var summary = $"[{alert.Environment}] user sync {alert.Check}: {observed} (expected {expected})";
        return new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["dedup_key"] = alert.DedupKey,
            ["payload"] = new JsonObject
            {
                ["summary"] = summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)] + "…",
                ["source"] = "usersync",
                ["severity"] = MapSeverity(alert.Severity),
                ["timestamp"] = alert.DetectedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["component"] = "user-sync",
                ["group"] = alert.Environment,
                ["class"] = alert.Check,
                ["custom_details"] = new JsonObject
                {
                    ["observed"] = NumberOrText(observed),
                    ["expected"] = NumberOrText(expected),
                    ["run_id"] = alert.RunId.ToString("D"),
                    ["samples"] = new JsonArray([.. alert.Samples.Select(s => (JsonNode?)JsonValue.Create(PiiMasker.MaskEmailsIn(s)))]),
                    ["environment"] = alert.Environment,
                },
            },
            ["links"] = new JsonArray(new JsonObject { ["href"] = alert.RunbookUrl, ["text"] = "Runbook" }),
        };
    }

    public static string MapSeverity(CheckSeverity severity) => severity switch
    {
        CheckSeverity.Critical => "critical",
        CheckSeverity.Warning => "warning",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "no PagerDuty severity for this check severity"),
    };

    // Counts go to PagerDuty as numbers so its field extraction and conditions can compare them.
    private static JsonValue NumberOrText(string value) =>
        decimal.TryParse(value, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);



    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} delivered to pagerduty ({StatusCode})")]
    private static partial void LogDelivered(ILogger logger, string alertId, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} rejected by pagerduty ({StatusCode})")]
    private static partial void LogRejected(ILogger logger, string alertId, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} not delivered to pagerduty: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string alertId, string reason);
}
