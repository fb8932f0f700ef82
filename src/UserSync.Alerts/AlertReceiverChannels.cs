using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// The channel instances behind each receiver: the receiver <c>default</c> is the channels the
/// flat settings registered (UserSync:Alerts:Email, :Slack, :PagerDuty, :Outbox); a named receiver
/// gets its own Slack and PagerDuty clients (its webhook, its routing key) and an email channel of
/// the configured provider with its own recipients.
/// </summary>
public sealed class AlertReceiverChannels
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, IAlertChannel>> _receivers;

    public AlertReceiverChannels(IReadOnlyDictionary<string, IReadOnlyList<IAlertChannel>> receivers)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        _receivers = receivers.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyDictionary<string, IAlertChannel>)kv.Value.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key.ToLowerInvariant(), g => g.First(), StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The channel that reaches <paramref name="receiver"/> by <paramref name="channel"/>, or null.</summary>
    public IAlertChannel? Find(string receiver, string channel) =>
        _receivers.TryGetValue(receiver, out var channels) && channels.TryGetValue(channel, out var found) ? found : null;

    /// <summary>
    /// The names of the channels the flat settings configure (the receiver <c>default</c>): every
    /// registered channel, except an email provider given no recipients of its own.
    /// </summary>
    public static IReadOnlyList<string> FlatChannelNames(IEnumerable<IAlertChannel> registered, IEnumerable<IEmailChannelFactory> email)
    {
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(email);
        var noEmail = email.Any(f => f.ConfiguredRecipients.Count == 0);
        return [.. registered.Select(c => c.Name.ToLowerInvariant()).Distinct().Where(n => !(noEmail && n == AlertChannelNames.Email))];
    }

    /// <summary>Builds every receiver's channels from the services and the bound options.</summary>
    public static AlertReceiverChannels Create(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<AlertRoutingOptions>>().Value;
        var registered = services.GetServices<IAlertChannel>().ToList();
        var email = services.GetServices<IEmailChannelFactory>().ToList();
        var flat = FlatChannelNames(registered, email);
        var receivers = new Dictionary<string, IReadOnlyList<IAlertChannel>>(StringComparer.OrdinalIgnoreCase)
        {
            [AlertRouter.DefaultReceiver] = [.. registered.Where(c => flat.Contains(c.Name.ToLowerInvariant()))],
        };
        foreach (var (name, receiver) in options.Receivers)
        {
            receivers[name] = ChannelsOf(receiver, services, email.FirstOrDefault());
        }

        return new AlertReceiverChannels(receivers);
    }

    private static List<IAlertChannel> ChannelsOf(AlertReceiverOptions receiver, IServiceProvider services, IEmailChannelFactory? email)
    {
        var channels = new List<IAlertChannel>(3);
        if (receiver.Email.Recipients.Count > 0 && email is not null)
        {
            channels.Add(email.Create(receiver.Email.Recipients));
        }

        if (receiver.Slack.WebhookUrl is { } webhook)
        {
            channels.Add(new SlackChannel(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new SlackOptions { WebhookUrl = webhook }),
                services.GetRequiredService<ILogger<SlackChannel>>()));
        }

        if (!string.IsNullOrEmpty(receiver.PagerDuty.RoutingKey))
        {
            var pagerDuty = receiver.PagerDuty.BaseUrl is { } baseUrl
                ? new PagerDutyOptions { RoutingKey = receiver.PagerDuty.RoutingKey, BaseUrl = baseUrl }
                : new PagerDutyOptions { RoutingKey = receiver.PagerDuty.RoutingKey };
            channels.Add(new PagerDutyChannel(services.GetRequiredService<IHttpClientFactory>(), Options.Create(pagerDuty),
                services.GetRequiredService<ILogger<PagerDutyChannel>>()));
        }

        return channels;
    }
}
