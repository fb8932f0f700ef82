using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace UserSync.Alerts.Channels;

public static class EmailOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one email provider "UserSync:Alerts:Email:Provider" names ("acs" or
    /// "sendgrid"); nothing when it is unset, so a route to "email" then fails at start as unconfigured.
    /// </summary>
    public static IServiceCollection AddEmailChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration.GetSection(EmailOptions.SectionName)[nameof(EmailOptions.Provider)];
        return provider?.Trim().ToUpperInvariant() switch
        {
            null or "" => services,
            "ACS" => services.AddAcsEmailChannel(),
            "SENDGRID" => services.AddSendGridEmailChannel(),
            _ => throw new InvalidOperationException(
                $"{EmailOptions.SectionName}:{nameof(EmailOptions.Provider)} must be \"{EmailOptions.Acs}\" or \"{EmailOptions.SendGrid}\"."),
        };
    }
}
