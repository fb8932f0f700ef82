namespace UserSync.Core.Alerts;

/// <summary>
/// One node of the routing tree, in the shape Alertmanager users know (docs/alerts.md): the root
/// matches every alert; a child matches when every <see cref="Match"/> (exact) and
/// <see cref="MatchRe"/> (anchored regular expression) label does, on the labels <c>check</c> and
/// <c>severity</c>. Children are tried in order; the first that matches handles the alert unless
/// it says <see cref="Continue"/>, then later siblings are tried too. A node none of whose children
/// match handles the alert itself. <see cref="Receivers"/> and <see cref="Channels"/> are inherited
/// from the parent when unset.
/// </summary>
public sealed class AlertRouteOptions
{
    public const string CheckLabel = "check";
    public const string SeverityLabel = "severity";

    /// <summary>The receivers this route notifies (one or more); empty means the parent's.</summary>
    public List<string> Receivers { get; set; } = [];

    /// <summary>
    /// Which of each receiver's channels this route uses; null means the parent's, and at the root
    /// every channel the receiver has. A receiver without one of these channels is simply not
    /// reached by it (a receiver that has none of them is a start-up error).
    /// </summary>
    public List<string>? Channels { get; set; }

    public Dictionary<string, string> Match { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> MatchRe { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Continue { get; set; }

    public List<AlertRouteOptions> Routes { get; set; } = [];
}
