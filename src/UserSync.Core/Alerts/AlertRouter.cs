using System.Text.RegularExpressions;
using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// Who hears about an alert (docs/alerts.md): walks the routing tree for the alert's check and
/// severity and answers the receivers and, per receiver, the channels. A route's channel list
/// picks from each receiver's own channels (those it has settings for and that are not switched
/// off); a receiver reached by several matching routes gets the union, each channel once. Firing
/// and resolved messages of a check route alike, so a resolution reaches exactly those that heard
/// the alarm (while the configuration stays).
/// </summary>
public sealed partial class AlertRouter
{
    /// <summary>The receiver the flat channel settings (UserSync:Alerts:Email, :Slack, :PagerDuty, :Outbox) make.</summary>
    public const string DefaultReceiver = "default";

    public const string None = "none";

    private static readonly CheckSeverity[] Severities = [CheckSeverity.Critical, CheckSeverity.Warning];

    private readonly Dictionary<string, IReadOnlyList<string>> _receivers;

    /// <param name="options">The bound "UserSync:Alerts" section.</param>
    /// <param name="defaultReceiverChannels">The channels configured by the flat settings (the receiver <c>default</c>).</param>
    public AlertRouter(AlertRoutingOptions options, IReadOnlyCollection<string> defaultReceiverChannels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaultReceiverChannels);
        UsesReceivers = options.UsesReceivers;
        var disabled = options.Channels.Where(kv => !kv.Value.Enabled).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _receivers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var flat = defaultReceiverChannels.Select(c => c.ToLowerInvariant()).Where(c => !disabled.Contains(c)).Distinct().ToList();
        if (flat.Count > 0 || !UsesReceivers)
        {
            _receivers[DefaultReceiver] = flat;
        }

        foreach (var (name, receiver) in options.Receivers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _receivers[name.ToLowerInvariant()] = receiver.ChannelNames().Where(c => !disabled.Contains(c)).ToList();
        }

        Tree = UsesReceivers ? options.Route ?? DefaultAlertRoutes.Plan() : SingleReceiverTree(options.Routes);
        IsDefaultTree = UsesReceivers && options.Route is null;
    }

    /// <summary>True in the receivers form; false when the flat settings are the one receiver <c>default</c>.</summary>
    public bool UsesReceivers { get; }

    /// <summary>True when the tree is <see cref="DefaultAlertRoutes.Plan"/> (receivers configured, no Route).</summary>
    public bool IsDefaultTree { get; }

    /// <summary>The routing tree in use (the single-receiver form is translated into one).</summary>
    public AlertRouteOptions Tree { get; }

    /// <summary>Each receiver and its enabled channels, by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Receivers => _receivers;

    /// <summary>The receivers and channels an alert goes to, in route order, each receiver and channel once.</summary>
    public IReadOnlyList<ReceiverDelivery> Resolve(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Resolve(alert.Check, alert.Severity);
    }

    public IReadOnlyList<ReceiverDelivery> Resolve(string check, CheckSeverity severity)
    {
        ArgumentNullException.ThrowIfNull(check);
        var labels = Labels(check, severity);
        var order = new List<string>();
        var channels = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (receivers, routeChannels) in Walk(Tree, [], null, labels))
        {
            foreach (var receiver in receivers.Select(r => r.ToLowerInvariant()))
            {
                if (!_receivers.TryGetValue(receiver, out var has))
                {
                    continue; // start-up validation rejects such a route
                }

                var picked = routeChannels is null ? has : routeChannels.Select(c => c.ToLowerInvariant()).Where(has.Contains);
                if (!channels.TryGetValue(receiver, out var list))
                {
                    channels[receiver] = list = [];
                    order.Add(receiver);
                }

                list.AddRange(picked.Where(c => !list.Contains(c)));
            }
        }

        return order.Where(r => channels[r].Count > 0).Select(r => new ReceiverDelivery(r, channels[r])).ToList();
    }

    /// <summary>Every channel of one receiver (a test message, a report sent through it); null for an unknown receiver.</summary>
    public ReceiverDelivery? Receiver(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _receivers.TryGetValue(name, out var channels) ? new ReceiverDelivery(name.ToLowerInvariant(), channels) : null;
    }

    /// <summary>Every check × severity the monitor can raise, with whom it reaches (`usersync alerts routes`).</summary>
    public IReadOnlyList<(string Check, CheckSeverity Severity, IReadOnlyList<ReceiverDelivery> Deliveries)> Table() =>
    [
        .. new[] { CheckNames.GhostUsers, CheckNames.TriggerEnabled, CheckNames.OrphanedProfiles, CheckNames.CountParity, CheckNames.MonitorFailed }
            .SelectMany(check => Severities.Select(severity => (check, severity, Resolve(check, severity)))),
    ];

    // Alertmanager's walk: children in order, the first match wins unless it says continue; a node
    // whose children all miss handles the alert itself.
    private static List<(IReadOnlyList<string> Receivers, IReadOnlyList<string>? Channels)> Walk(
        AlertRouteOptions node, IReadOnlyList<string> receivers, IReadOnlyList<string>? channels, IReadOnlyDictionary<string, string> labels)
    {
        IReadOnlyList<string> ownReceivers = node.Receivers.Count > 0 ? node.Receivers : receivers;
        var ownChannels = node.Channels ?? channels;
        var handled = new List<(IReadOnlyList<string>, IReadOnlyList<string>?)>();
        foreach (var child in node.Routes)
        {
            if (!Matches(child, labels))
            {
                continue;
            }

            handled.AddRange(Walk(child, ownReceivers, ownChannels, labels));
            if (!child.Continue)
            {
                break;
            }
        }

        if (handled.Count == 0)
        {
            handled.Add((ownReceivers, ownChannels));
        }

        return handled;
    }

    private static bool Matches(AlertRouteOptions route, IReadOnlyDictionary<string, string> labels) =>
        route.Match.All(m => labels.TryGetValue(m.Key, out var value) && string.Equals(value, m.Value.Trim(), StringComparison.OrdinalIgnoreCase))
        && route.MatchRe.All(m => labels.TryGetValue(m.Key, out var value)
                                  && Regex.IsMatch(value, $"^(?:{m.Value})$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)));

    private static Dictionary<string, string> Labels(string check, CheckSeverity severity) => new(StringComparer.OrdinalIgnoreCase)
    {
        [AlertRouteOptions.CheckLabel] = check,
        [AlertRouteOptions.SeverityLabel] = severity.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The single-receiver form as a tree over the receiver <c>default</c>: per check with extras,
    /// its severity's channels plus the extras; then per severity. Same answers as before receivers.
    /// </summary>
    private static AlertRouteOptions SingleReceiverTree(AlertRoutesOptions routes)
    {
        var critical = Parse(routes.Critical ?? AlertRoutesOptions.DefaultCritical);
        var warning = Parse(routes.Warning ?? AlertRoutesOptions.DefaultWarning);
        var root = new AlertRouteOptions { Receivers = [DefaultReceiver], Channels = [] };
        foreach (var (check, extras) in routes.Checks.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var (severity, channels) in new[] { (CheckSeverity.Critical, critical), (CheckSeverity.Warning, warning) })
            {
                root.Routes.Add(new AlertRouteOptions
                {
                    Match = Labels(check, severity),
                    Channels = [.. channels.Concat(Parse(extras)).Distinct(StringComparer.Ordinal)],
                });
            }
        }

        root.Routes.Add(new AlertRouteOptions { Match = new(StringComparer.OrdinalIgnoreCase) { [AlertRouteOptions.SeverityLabel] = "critical" }, Channels = critical });
        root.Routes.Add(new AlertRouteOptions { Match = new(StringComparer.OrdinalIgnoreCase) { [AlertRouteOptions.SeverityLabel] = "warning" }, Channels = warning });
        return root;
    }

    internal static List<string> Parse(string? value) => Tokens(value).Select(t => t.ToLowerInvariant()).ToList();

    internal static IEnumerable<string> Tokens(string? value) =>
        (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(t => !t.Equals(None, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    internal static partial Regex NamePattern();
}
