using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// Start-up validation of "UserSync:Alerts" (receivers, routes, the JSON file) against the
/// channels registered in DI (AlertRoutingValidation names the setting of every problem). In the
/// single-receiver form with no channel at all the host logs alerts instead (LoggingAlertDelivery)
/// and routes are not used, so not checked.
/// </summary>
public sealed class AlertRoutingOptionsValidator(IEnumerable<IAlertChannel> channels, IEnumerable<IEmailChannelFactory> email)
    : IValidateOptions<AlertRoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registered = channels.ToList();
        var factories = email.ToList();
        var flat = AlertReceiverChannels.FlatChannelNames(registered, factories);
        var errors = AlertRoutingValidation.Validate(options, flat, emailProvider: factories.Count > 0).ToList();
        if (!options.UsesReceivers && options.FileError is null)
        {
            // The single-receiver form sends its email to the provider's own recipients.
            errors.AddRange(factories.Where(f => f.ConfiguredRecipients.Count == 0).Select(f => $"{f.RecipientsSetting} needs at least one email address."));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
