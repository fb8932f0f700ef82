using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace UserSync.Alerts.Channels;

public static class SlackChannelServiceCollectionExtensions
{
    /// <summary>Registers the "slack" channel, its validated options and its resilient HttpClient.</summary>
    public static IServiceCollection AddSlackChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => SlackOptions.IsAllowedWebhookUrl(o.WebhookUrl),
                "UserSync:Alerts:Slack:WebhookUrl must be an absolute https URL (http only for a loopback host).")
            .ValidateOnStart();
        // The default HttpClient logging writes the request URI, and the webhook's path is its secret.
        services.AddChannelHttpClient(SlackChannel.ChannelName).RemoveAllLoggers();
        services.TryAddSingleton<SlackChannel>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, SlackChannel>(sp => sp.GetRequiredService<SlackChannel>()));
        return services;
    }
}
