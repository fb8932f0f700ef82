using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace UserSync.Alerts.Channels;

public static class SendGridServiceCollectionExtensions
{
    /// <summary>Registers the SendGrid "email" channel with options from "UserSync:Alerts:Email:SendGrid" (validated at start) and the shared resilient HttpClient.</summary>
    public static IServiceCollection AddSendGridEmailChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SendGridEmailOptions>().BindConfiguration(SendGridEmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(SendGridEmailChannel.HttpClientName);
        services.AddTransient(sp => Create(sp, sp.GetRequiredService<IOptions<SendGridEmailOptions>>().Value));
        services.AddTransient<IAlertChannel>(sp => sp.GetRequiredService<SendGridEmailChannel>());
        services.AddSingleton<IEmailChannelFactory>(sp => new Factory(sp));
        return services;
    }

    private static SendGridEmailChannel Create(IServiceProvider sp, SendGridEmailOptions options) => new(
        sp.GetRequiredService<IHttpClientFactory>().CreateClient(SendGridEmailChannel.HttpClientName),
        Options.Create(options),
        sp.GetRequiredService<ILogger<SendGridEmailChannel>>());

    private sealed class Factory(IServiceProvider services) : IEmailChannelFactory
    {
        private SendGridEmailOptions Settings => services.GetRequiredService<IOptions<SendGridEmailOptions>>().Value;

        public IReadOnlyList<string> ConfiguredRecipients => [.. Settings.Recipients];

        public string RecipientsSetting => $"{SendGridEmailOptions.SectionName}:{nameof(SendGridEmailOptions.Recipients)}";

        public IAlertChannel Create(IReadOnlyList<string> recipients)
        {
            var settings = Settings;
            var copy = new SendGridEmailOptions { ApiKey = settings.ApiKey, From = settings.From, BaseUrl = settings.BaseUrl };
            foreach (var recipient in recipients)
            {
                copy.Recipients.Add(recipient);
            }

            return SendGridServiceCollectionExtensions.Create(services, copy);
        }
    }
}
