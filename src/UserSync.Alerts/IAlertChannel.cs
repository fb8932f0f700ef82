using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// One way to reach people: email (ACS or SendGrid), Slack, PagerDuty. Implementations send one
/// alert and say how it went; transient HTTP failures (429, 5xx, timeouts) are retried inside the
/// channel's HttpClient (resilience handler honouring Retry-After) before a result comes back.
/// Nothing a channel returns or logs contains a key, a token, a webhook URL or an unmasked email.
/// </summary>
public interface IAlertChannel
{
    /// <summary>The name routes use: "email", "slack", "pagerduty".</summary>
    string Name { get; }

    Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken);
}
