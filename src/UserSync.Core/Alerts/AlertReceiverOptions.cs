namespace UserSync.Core.Alerts;

/// <summary>
/// One named receiver ("UserSync:Alerts:Receivers:&lt;name&gt;"): any subset of email recipients, a
/// Slack webhook and a PagerDuty routing key. The webhook URL and the routing key are secrets: set
/// them from Key Vault or the environment, never in a checked-in file; nothing prints them.
/// </summary>
public sealed class AlertReceiverOptions
{
    public ReceiverEmailOptions Email { get; set; } = new();

    public ReceiverSlackOptions Slack { get; set; } = new();

    public ReceiverPagerDutyOptions PagerDuty { get; set; } = new();

    /// <summary>The channels this receiver has, in the order email, slack, pagerduty.</summary>
    public IReadOnlyList<string> ChannelNames()
    {
        var names = new List<string>(3);
        if (Email.Recipients.Count > 0)
        {
            names.Add(AlertChannelNames.Email);
        }

        if (Slack.WebhookUrl is not null)
        {
            names.Add(AlertChannelNames.Slack);
        }

        if (!string.IsNullOrEmpty(PagerDuty.RoutingKey))
        {
            names.Add(AlertChannelNames.PagerDuty);
        }

        return names;
    }
}

/// <summary>A receiver's email: its own recipients, sent through the one provider of "UserSync:Alerts:Email".</summary>
public sealed class ReceiverEmailOptions
{
    public List<string> Recipients { get; set; } = [];
}

/// <summary>A receiver's Slack incoming webhook (a secret).</summary>
public sealed class ReceiverSlackOptions
{
    public Uri? WebhookUrl { get; set; }
}

/// <summary>A receiver's PagerDuty Events API v2 routing key (a secret); BaseUrl only for tests and stand-ins.</summary>
public sealed class ReceiverPagerDutyOptions
{
    public string? RoutingKey { get; set; }

    public Uri? BaseUrl { get; set; }
}

/// <summary>The channel names routes and the ledger use.</summary>
public static class AlertChannelNames
{
    public const string Email = "email";
    public const string Slack = "slack";
    public const string PagerDuty = "pagerduty";
    public const string Outbox = "outbox";

    public static IReadOnlyList<string> All { get; } = [Email, Slack, PagerDuty, Outbox];
}
