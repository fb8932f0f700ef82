using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts.Channels;

/// <summary>SendGrid v3 mail send (section "UserSync:Alerts:Email:SendGrid").</summary>
public sealed class SendGridEmailOptions : IValidatableObject
{
    public const string SectionName = "UserSync:Alerts:Email:SendGrid";

    /// <summary>A secret: set it only from Key Vault or the environment, never in a checked-in file.</summary>
    [Required(ErrorMessage = "UserSync:Alerts:Email:SendGrid:ApiKey is required.")]
    public string? ApiKey { get; set; }

    [Required(ErrorMessage = "UserSync:Alerts:Email:SendGrid:From is required (a verified sender address).")]
    public string? From { get; set; }

    /// <summary>The receiver <c>default</c>'s recipients; named receivers bring their own (docs/alerts.md).</summary>
    public IList<string> Recipients { get; } = [];

    /// <summary>Only for tests and regional hosts; defaults to https://api.sendgrid.com.</summary>
    public Uri? BaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Recipients.Any(r => string.IsNullOrWhiteSpace(r) || !r.Contains('@', StringComparison.Ordinal)))
        {
            yield return new ValidationResult("UserSync:Alerts:Email:SendGrid:Recipients must hold email addresses only.", [nameof(Recipients)]);
        }

        if (BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("UserSync:Alerts:Email:SendGrid:BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }
    }
}
