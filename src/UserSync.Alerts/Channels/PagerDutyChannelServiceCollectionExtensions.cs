using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace UserSync.Alerts.Channels;

public static class PagerDutyChannelServiceCollectionExtensions
{
    /// <summary>Registers the "pagerduty" channel, its validated options and its resilient HttpClient.</summary>
    public static IServiceCollection AddPagerDutyChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PagerDutyOptions>()
            .BindConfiguration(PagerDutyOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => PagerDutyOptions.IsAllowedBaseUrl(o.BaseUrl),
                "UserSync:Alerts:PagerDuty:BaseUrl must be an absolute https URL (http only for a loopback host).")
            .ValidateOnStart();
        services.AddChannelHttpClient(PagerDutyChannel.ChannelName);
        services.TryAddSingleton<PagerDutyChannel>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, PagerDutyChannel>(sp => sp.GetRequiredService<PagerDutyChannel>()));
        return services;
    }
}
