using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts.Channels;

/// <summary>Slack incoming webhook (section "UserSync:Alerts:Slack"). The webhook URL is a secret: never log or return it.</summary>
public sealed class SlackOptions
{
    public const string SectionName = "UserSync:Alerts:Slack";

    [Required(ErrorMessage = "UserSync:Alerts:Slack:WebhookUrl is required.")]
    public Uri? WebhookUrl { get; init; }

    /// <summary>An absolute https URL; plain http only to a loopback host (local tests and stand-ins).</summary>
    public static bool IsAllowedWebhookUrl(Uri? url) =>
        url is null
        || (url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)));
}
