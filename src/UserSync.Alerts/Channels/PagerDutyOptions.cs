using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts.Channels;

/// <summary>PagerDuty Events API v2 (section "UserSync:Alerts:PagerDuty"). The routing key is a secret: never log or return it.</summary>
public sealed class PagerDutyOptions
{
    public const string SectionName = "UserSync:Alerts:PagerDuty";

    [Required(ErrorMessage = "UserSync:Alerts:PagerDuty:RoutingKey is required.")]
    public string RoutingKey { get; init; } = "";

    [Required(ErrorMessage = "UserSync:Alerts:PagerDuty:BaseUrl is required.")]
    public Uri? BaseUrl { get; init; } = new("https://events.pagerduty.com");

    /// <summary>An absolute https URL; plain http only to a loopback host (local tests and stand-ins).</summary>
    public static bool IsAllowedBaseUrl(Uri? url) =>
        url is null
        || (url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)));
}
