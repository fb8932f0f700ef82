using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// Start-up validation of the routes against the channels registered in DI. With no channel at
/// all the host logs alerts instead (LoggingAlertDelivery) and routes are not used, so not checked.
/// </summary>
public sealed class AlertRoutingOptionsValidator(IEnumerable<IAlertChannel> channels) : IValidateOptions<AlertRoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertRoutingOptions options)
    {
        var registered = channels.Select(c => c.Name).ToList();
        if (registered.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = AlertRouting.Validate(options, registered);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
