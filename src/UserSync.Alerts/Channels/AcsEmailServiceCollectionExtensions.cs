using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace UserSync.Alerts.Channels;

public static class AcsEmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ACS "email" channel with options from "UserSync:Alerts:Email:Acs" (validated at
    /// start) and the shared resilient HttpClient. Without an access key it uses the registered
    /// TokenCredential, or DefaultAzureCredential when none is registered.
    /// </summary>
    public static IServiceCollection AddAcsEmailChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AcsEmailOptions>().BindConfiguration(AcsEmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(AcsEmailChannel.HttpClientName);
        // One credential for the process: it caches its tokens.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddTransient(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AcsEmailOptions>>();
            return new AcsEmailChannel(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(AcsEmailChannel.HttpClientName),
                options,
                string.IsNullOrEmpty(options.Value.AccessKey) ? sp.GetRequiredService<TokenCredential>() : null,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILogger<AcsEmailChannel>>());
        });
        services.AddTransient<IAlertChannel>(sp => sp.GetRequiredService<AcsEmailChannel>());
        return services;
    }
}
