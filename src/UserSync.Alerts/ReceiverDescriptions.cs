using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// How a receiver is reached by a channel, for people (`usersync alerts routes`): masked addresses,
/// the webhook's host only, "routing key configured". Never a key, a token or a webhook path.
/// </summary>
public static class ReceiverDescriptions
{
    public static string Describe(IServiceProvider services, AlertRoutingOptions options, string receiver, string channel)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var named = options.Receivers.GetValueOrDefault(receiver);
        return channel switch
        {
            AlertChannelNames.Email => Recipients(named?.Email.Recipients
                                                  ?? services.GetServices<IEmailChannelFactory>().FirstOrDefault()?.ConfiguredRecipients ?? []),
            AlertChannelNames.Slack => Host(named is not null ? named.Slack.WebhookUrl : services.GetService<IOptions<SlackOptions>>()?.Value.WebhookUrl),
            AlertChannelNames.PagerDuty => "routing key configured",
            AlertChannelNames.Outbox => "files in the outbox folder",
            _ => "configured",
        };
    }

    private static string Recipients(IReadOnlyList<string> recipients) =>
        recipients.Count == 0 ? "no recipients" : string.Join(", ", recipients.Select(PiiMasker.MaskEmail));

    private static string Host(Uri? webhook) => webhook is { IsAbsoluteUri: true } ? $"webhook on {webhook.Host}" : "webhook configured";
}
