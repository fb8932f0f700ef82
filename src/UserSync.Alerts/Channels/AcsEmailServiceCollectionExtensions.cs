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
        services.AddTransient(sp => Create(sp, sp.GetRequiredService<IOptions<AcsEmailOptions>>().Value));
        services.AddTransient<IAlertChannel>(sp => sp.GetRequiredService<AcsEmailChannel>());
        services.AddSingleton<IEmailChannelFactory>(sp => new Factory(sp));
        return services;
    }

    private static AcsEmailChannel Create(IServiceProvider sp, AcsEmailOptions options) => new(
        sp.GetRequiredService<IHttpClientFactory>().CreateClient(AcsEmailChannel.HttpClientName),
        Options.Create(options),
        string.IsNullOrEmpty(options.AccessKey) ? sp.GetRequiredService<TokenCredential>() : null,
        sp.GetService<TimeProvider>() ?? TimeProvider.System,
        sp.GetRequiredService<ILogger<AcsEmailChannel>>());

    private sealed class Factory(IServiceProvider services) : IEmailChannelFactory
    {
        private AcsEmailOptions Settings => services.GetRequiredService<IOptions<AcsEmailOptions>>().Value;

        public IReadOnlyList<string> ConfiguredRecipients => [.. Settings.Recipients];

        public string RecipientsSetting => $"{AcsEmailOptions.SectionName}:{nameof(AcsEmailOptions.Recipients)}";

        public IAlertChannel Create(IReadOnlyList<string> recipients)
        {
            var settings = Settings;
            var copy = new AcsEmailOptions
            {
                Endpoint = settings.Endpoint,
                AccessKey = settings.AccessKey,
                SenderAddress = settings.SenderAddress,
                PollInterval = settings.PollInterval,
                MaxPolls = settings.MaxPolls,
            };
            foreach (var recipient in recipients)
            {
                copy.Recipients.Add(recipient);
            }

            return AcsEmailServiceCollectionExtensions.Create(services, copy);
        }
    }
}
