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
        services.AddTransient(sp => new SendGridEmailChannel(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(SendGridEmailChannel.HttpClientName),
            sp.GetRequiredService<IOptions<SendGridEmailOptions>>(),
            sp.GetRequiredService<ILogger<SendGridEmailChannel>>()));
        services.AddTransient<IAlertChannel>(sp => sp.GetRequiredService<SendGridEmailChannel>());
        return services;
    }
}
