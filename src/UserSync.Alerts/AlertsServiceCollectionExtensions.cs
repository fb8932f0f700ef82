using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// Alert delivery for a host (needs AddUserSyncCore): the channels whose flat settings are
    /// present (the receiver <c>default</c>), the named receivers and the routing tree (bound from
    /// the settings and the file UserSync:Alerts:File names, validated at start), the ledger and
    /// the dispatcher. IAlertDelivery is the dispatcher when a receiver or at least one channel is
    /// configured, else LoggingAlertDelivery (every alert still leaves a log line).
    /// </summary>
    public static IServiceCollection AddUserSyncAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddConfiguredChannels(services, configuration);

        services.AddOptions<AlertRoutingOptions>().Configure<IConfiguration>((options, settings) => AlertRoutingConfiguration.Bind(settings, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertRoutingOptions>, AlertRoutingOptionsValidator>());
        services.TryAddSingleton(AlertReceiverChannels.Create);
        services.TryAddSingleton(sp => new AlertRouter(sp.GetRequiredService<IOptions<AlertRoutingOptions>>().Value,
            AlertReceiverChannels.FlatChannelNames(sp.GetServices<IAlertChannel>(), sp.GetServices<IEmailChannelFactory>())));
        services.AddOptions<AlertDeliveryLedgerOptions>().BindConfiguration(AlertDeliveryLedgerOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AlertDeliveryLedger>();
        services.TryAddSingleton<AlertDispatcher>();
        services.TryAddSingleton<LoggingAlertDelivery>();
        // TryAdd: a host (or a test) that registered its own delivery keeps it.
        services.TryAddSingleton<IAlertDelivery>(sp =>
            sp.GetServices<IAlertChannel>().Any() || sp.GetRequiredService<IOptions<AlertRoutingOptions>>().Value.UsesReceivers
                ? sp.GetRequiredService<AlertDispatcher>()
                : sp.GetRequiredService<LoggingAlertDelivery>());
        return services;
    }

    // A channel is registered when its section has settings; its own options validation then
    // names whatever is missing. Email picks its provider from UserSync:Alerts:Email:Provider.
    private static void AddConfiguredChannels(IServiceCollection services, IConfiguration configuration)
    {
        services.AddEmailChannel(configuration);
        if (configuration.GetSection(SlackOptions.SectionName).Exists())
        {
            services.AddSlackChannel();
        }

        if (configuration.GetSection(PagerDutyOptions.SectionName).Exists())
        {
            services.AddPagerDutyChannel();
        }

        if (configuration.GetSection(OutboxChannelOptions.SectionName).Exists())
        {
            services.AddOutboxChannel();
        }

        // Named receivers bring their own webhooks and keys; their clients share these two
        // HttpClients (registered here when the flat channel did not register them already).
        if (!configuration.GetSection(SlackOptions.SectionName).Exists())
        {
            services.AddChannelHttpClient(SlackChannel.ChannelName).RemoveAllLoggers();
        }

        if (!configuration.GetSection(PagerDutyOptions.SectionName).Exists())
        {
            services.AddChannelHttpClient(PagerDutyChannel.ChannelName);
        }
    }
}
