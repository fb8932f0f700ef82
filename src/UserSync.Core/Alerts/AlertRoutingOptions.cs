namespace UserSync.Core.Alerts;

/// <summary>
/// Who hears about what (section "UserSync:Alerts", docs/alerts.md). Two forms:
/// <list type="bullet">
/// <item>Named <see cref="Receivers"/> and an Alertmanager-shaped <see cref="Route"/> tree (the plan's
/// table when <see cref="Route"/> is unset), from flat settings and/or the JSON file <see cref="File"/> names.</item>
/// <item>Without receivers, the single-receiver form: the flat channel settings (UserSync:Alerts:Email,
/// :Slack, :PagerDuty, :Outbox) are the receiver <c>default</c>, routed by <see cref="Routes"/>.</item>
/// </list>
/// <see cref="Channels"/> switches a channel off for every receiver in both forms.
/// </summary>
public sealed class AlertRoutingOptions
{
    public const string SectionName = "UserSync:Alerts";

    /// <summary>"UserSync:Alerts:File": a JSON file holding Receivers and Route; flat settings override its values.</summary>
    public string? File { get; set; }

    /// <summary>Named receivers ("UserSync:Alerts:Receivers:&lt;name&gt;"), each with its own email recipients, Slack webhook and PagerDuty key.</summary>
    public Dictionary<string, AlertReceiverOptions> Receivers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>"UserSync:Alerts:Route": the routing tree over <see cref="Receivers"/>; null means <see cref="DefaultAlertRoutes.Plan"/>.</summary>
    public AlertRouteOptions? Route { get; set; }

    /// <summary>The single-receiver form's routes (used only when no receiver is configured).</summary>
    public AlertRoutesOptions Routes { get; set; } = new();

    /// <summary>Per channel name: "UserSync:Alerts:Channels:&lt;name&gt;:Enabled" (default true).</summary>
    public Dictionary<string, AlertChannelSwitch> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why <see cref="File"/> could not be read, set while binding; start-up validation reports it.</summary>
    public string? FileError { get; set; }

    /// <summary>True when named receivers are configured (the receivers form).</summary>
    public bool UsesReceivers => Receivers.Count > 0;
}
