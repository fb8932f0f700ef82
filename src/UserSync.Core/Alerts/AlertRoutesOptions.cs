namespace UserSync.Core.Alerts;

/// <summary>
/// "UserSync:Alerts:Routes": the single-receiver form (no UserSync:Alerts:Receivers), where every
/// channel belongs to the receiver <c>default</c>. Ignored once receivers are configured.
/// </summary>
public sealed class AlertRoutesOptions
{
    public const string DefaultCritical = "email,slack";
    public const string DefaultWarning = "slack";

    /// <summary>Channels for every critical check; null means <see cref="DefaultCritical"/>.</summary>
    public string? Critical { get; set; }

    /// <summary>Channels for every warning check; null means <see cref="DefaultWarning"/>.</summary>
    public string? Warning { get; set; }

    /// <summary>Extra channels per check name, on top of its severity's; "none" removes a default extra.</summary>
    public Dictionary<string, string> Checks { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trigger_enabled"] = "pagerduty",
        ["monitor_failed"] = "pagerduty",
    };
}
