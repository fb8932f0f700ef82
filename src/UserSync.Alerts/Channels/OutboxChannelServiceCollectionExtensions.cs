using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace UserSync.Alerts.Channels;

public static class OutboxChannelServiceCollectionExtensions
{
    /// <summary>Registers the "outbox" channel and its validated options.</summary>
    public static IServiceCollection AddOutboxChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<OutboxChannelOptions>()
            .BindConfiguration(OutboxChannelOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddLogging();
        services.TryAddSingleton<OutboxChannel>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, OutboxChannel>(sp => sp.GetRequiredService<OutboxChannel>()));
        return services;
    }
}
