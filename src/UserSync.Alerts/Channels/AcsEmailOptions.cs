using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Azure Communication Services Email (section "UserSync:Alerts:Email:Acs"). Without AccessKey the
/// channel authenticates with a Microsoft Entra token (DefaultAzureCredential or a registered
/// TokenCredential); with it, every request is HMAC-signed with the resource's key.
/// </summary>
public sealed class AcsEmailOptions : IValidatableObject
{
    public const string SectionName = "UserSync:Alerts:Email:Acs";

    /// <summary>The resource endpoint, e.g. https://my-acs.europe.communication.azure.com.</summary>
    [Required(ErrorMessage = "UserSync:Alerts:Email:Acs:Endpoint is required (the Communication Services resource endpoint).")]
    public Uri? Endpoint { get; set; }

    /// <summary>A secret: set it only from Key Vault or the environment, never in a checked-in file.</summary>
    public string? AccessKey { get; set; }

    [Required(ErrorMessage = "UserSync:Alerts:Email:Acs:SenderAddress is required (a MailFrom address of a connected domain).")]
    public string? SenderAddress { get; set; }

    /// <summary>The receiver <c>default</c>'s recipients; named receivers bring their own (docs/alerts.md).</summary>
    public IList<string> Recipients { get; } = [];

    /// <summary>Wait between status polls when the service sends no Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "UserSync:Alerts:Email:Acs:PollInterval must be between 0 and 1 minute.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 100, ErrorMessage = "UserSync:Alerts:Email:Acs:MaxPolls must be between 1 and 100.")]
    public int MaxPolls { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("UserSync:Alerts:Email:Acs:Endpoint must be an absolute https URL.", [nameof(Endpoint)]);
        }

        if (!string.IsNullOrEmpty(AccessKey) && !IsBase64(AccessKey))
        {
            // The value is a secret: the message names the setting, never its content.
            yield return new ValidationResult("UserSync:Alerts:Email:Acs:AccessKey must be the resource's base64 access key.", [nameof(AccessKey)]);
        }

        if (Recipients.Any(r => string.IsNullOrWhiteSpace(r) || !r.Contains('@', StringComparison.Ordinal)))
        {
            yield return new ValidationResult("UserSync:Alerts:Email:Acs:Recipients must hold email addresses only.", [nameof(Recipients)]);
        }
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) && written > 0;
    }
}
