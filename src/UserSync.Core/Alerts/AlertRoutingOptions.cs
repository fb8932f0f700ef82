namespace UserSync.Core.Alerts;

/// <summary>
/// Who hears about what (section "UserSync:Alerts"): routes per severity plus per-check extras,
/// and a switch per channel. Channel lists are comma-separated names ("email,slack"), which fit
/// flat app settings; "none" is an explicit empty list.
/// </summary>
public sealed class AlertRoutingOptions
{
    public const string SectionName = "UserSync:Alerts";

    public AlertRoutesOptions Routes { get; set; } = new();

    /// <summary>Per channel name: "UserSync:Alerts:Channels:&lt;name&gt;:Enabled" (default true).</summary>
    public Dictionary<string, AlertChannelSwitch> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
