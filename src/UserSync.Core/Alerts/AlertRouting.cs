using System.Text.RegularExpressions;
using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// The routing rule (docs/architecture.md, "Alerts"): an alert goes to its severity's channels plus its check's
/// extras, minus channels switched off. Firing and resolved messages of a check route alike, so a
/// resolution reaches exactly the channels that heard the alarm (while the configuration stays).
/// </summary>
public sealed partial class AlertRouting
{
    public const string None = "none";

    private readonly IReadOnlyList<string> _critical;
    private readonly IReadOnlyList<string> _warning;
    private readonly Dictionary<string, IReadOnlyList<string>> _extras;
    private readonly HashSet<string> _disabled;

    public AlertRouting(AlertRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _critical = Parse(options.Routes.Critical ?? AlertRoutesOptions.DefaultCritical);
        _warning = Parse(options.Routes.Warning ?? AlertRoutesOptions.DefaultWarning);
        _extras = options.Routes.Checks.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)Parse(kv.Value), StringComparer.OrdinalIgnoreCase);
        _disabled = options.Channels.Where(kv => !kv.Value.Enabled).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The enabled channels an alert goes to, in route order, each once.</summary>
    public IReadOnlyList<string> ChannelsFor(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return ChannelsFor(alert.Check, alert.Severity);
    }

    public IReadOnlyList<string> ChannelsFor(string check, CheckSeverity severity) =>
        (severity == CheckSeverity.Critical ? _critical : _warning)
        .Concat(_extras.GetValueOrDefault(check) ?? [])
        .Where(c => !_disabled.Contains(c))
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Start-up check: every route names only channels that are registered (configured). Each error
    /// names the route and the channel, never a setting's secret value.
    /// </summary>
    public static IReadOnlyList<string> Validate(AlertRoutingOptions options, IReadOnlyCollection<string> registeredChannels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registeredChannels);
        var routes = new List<(string Route, string? Value)>
        {
            ($"{AlertRoutingOptions.SectionName}:Routes:Critical", options.Routes.Critical ?? AlertRoutesOptions.DefaultCritical),
            ($"{AlertRoutingOptions.SectionName}:Routes:Warning", options.Routes.Warning ?? AlertRoutesOptions.DefaultWarning),
        };
        routes.AddRange(options.Routes.Checks.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => ($"{AlertRoutingOptions.SectionName}:Routes:Checks:{kv.Key}", (string?)kv.Value)));

        var errors = new List<string>();
        foreach (var (route, value) in routes)
        {
            foreach (var channel in Tokens(value))
            {
                if (!ChannelName().IsMatch(channel))
                {
                    errors.Add($"{route} names an invalid channel name (use 1-32 characters of a-z, 0-9, '_' and '-', or \"{None}\").");
                }
                else if (!registeredChannels.Contains(channel, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{route} names channel '{channel}', which is not configured.");
                }
            }
        }

        return errors;
    }

    private static List<string> Parse(string? value) => Tokens(value).Select(t => t.ToLowerInvariant()).ToList();

    private static IEnumerable<string> Tokens(string? value) =>
        (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(t => !t.Equals(None, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex ChannelName();
}
