using System.Net.Mail;
using System.Text.RegularExpressions;
using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// Start-up checks of "UserSync:Alerts" (docs/alerts.md). Each error names the setting (e.g.
/// "UserSync:Alerts:Receivers:oncall:Slack:WebhookUrl"), never a value: addresses are PII and
/// webhooks and keys are secrets.
/// </summary>
public static class AlertRoutingValidation
{
    private const string Section = AlertRoutingOptions.SectionName;

    /// <param name="options">The bound section.</param>
    /// <param name="defaultReceiverChannels">The channels the flat settings configure (the receiver <c>default</c>).</param>
    /// <param name="emailProvider">Whether "UserSync:Alerts:Email:Provider" names a provider (receivers' email is sent through it).</param>
    public static IReadOnlyList<string> Validate(AlertRoutingOptions options, IReadOnlyCollection<string> defaultReceiverChannels, bool emailProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaultReceiverChannels);
        var errors = new List<string>();
        if (options.FileError is { } fileError)
        {
            errors.Add(fileError);
            return errors;
        }

        if (!options.UsesReceivers)
        {
            if (options.Route is not null)
            {
                errors.Add($"{Section}:Route is set but no receiver is: define {Section}:Receivers:<name> (docs/alerts.md).");
            }

            errors.AddRange(ValidateSingleReceiver(options.Routes, defaultReceiverChannels));
            return errors;
        }

        foreach (var (name, receiver) in options.Receivers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.AddRange(ValidateReceiver(name, receiver, emailProvider));
        }

        var router = new AlertRouter(options, defaultReceiverChannels);
        var path = options.Route is null ? $"{Section}:Route (default, docs/alerts.md)" : $"{Section}:Route";
        if (router.Tree.Receivers.Count == 0)
        {
            errors.Add($"{path}:Receivers must name at least one receiver (the root route catches every alert).");
        }

        if (router.Tree.Match.Count > 0 || router.Tree.MatchRe.Count > 0)
        {
            errors.Add($"{path} is the root route and matches every alert: move Match and MatchRe to a child route.");
        }

        ValidateRoute(router.Tree, path, [], null, router, errors);
        return errors;
    }

    private static IEnumerable<string> ValidateReceiver(string name, AlertReceiverOptions receiver, bool emailProvider)
    {
        var path = $"{Section}:Receivers:{name}";
        if (!AlertRouter.NamePattern().IsMatch(name))
        {
            yield return $"{path}: a receiver name is 1-32 characters of a-z, 0-9, '_' and '-'.";
            yield break;
        }

        if (name == AlertRouter.DefaultReceiver)
        {
            yield return $"{path}: '{AlertRouter.DefaultReceiver}' is the receiver the flat channel settings make; name this one differently.";
            yield break;
        }

        if (receiver.ChannelNames().Count == 0)
        {
            yield return $"{path} has no channel: set Email:Recipients, Slack:WebhookUrl or PagerDuty:RoutingKey.";
        }

        for (var i = 0; i < receiver.Email.Recipients.Count; i++)
        {
            if (!IsEmailAddress(receiver.Email.Recipients[i]))
            {
                yield return $"{path}:Email:Recipients:{i} is not a valid email address.";
            }
        }

        if (receiver.Email.Recipients.Count > 0 && !emailProvider)
        {
            yield return $"{path}:Email needs an email provider: set {Section}:Email:Provider (acs or sendgrid) and its sender settings.";
        }

        if (!IsAllowedUrl(receiver.Slack.WebhookUrl))
        {
            yield return $"{path}:Slack:WebhookUrl must be an absolute https URL (http only for a loopback host).";
        }

        if (!IsAllowedUrl(receiver.PagerDuty.BaseUrl))
        {
            yield return $"{path}:PagerDuty:BaseUrl must be an absolute https URL (http only for a loopback host).";
        }
    }

    private static void ValidateRoute(AlertRouteOptions route, string path, IReadOnlyList<string> receivers, IReadOnlyList<string>? channels,
        AlertRouter router, List<string> errors)
    {
        IReadOnlyList<string> ownReceivers = route.Receivers.Count > 0 ? route.Receivers : receivers;
        var ownChannels = route.Channels ?? channels;
        for (var i = 0; i < route.Receivers.Count; i++)
        {
            var name = route.Receivers[i];
            if (!router.Receivers.ContainsKey(name))
            {
                errors.Add($"{path}:Receivers:{i} names receiver '{Printable(name)}', which is not configured ({Section}:Receivers:{Printable(name)}).");
            }
        }

        if (route.Channels is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!AlertChannelNames.All.Contains(list[i].Trim().ToLowerInvariant()))
                {
                    errors.Add($"{path}:Channels:{i} names channel '{Printable(list[i])}'; channels are {string.Join(", ", AlertChannelNames.All)}.");
                }
            }
        }

        if (ownChannels is not null)
        {
            foreach (var name in ownReceivers.Where(router.Receivers.ContainsKey))
            {
                var has = router.Receivers[name];
                if (has.Count > 0 && !ownChannels.Any(c => has.Contains(c.Trim().ToLowerInvariant())))
                {
                    errors.Add($"{path} sends receiver '{name}' by {string.Join(", ", ownChannels)}, none of which it has ({string.Join(", ", has)}).");
                }
            }
        }

        foreach (var (label, value) in route.Match)
        {
            errors.AddRange(ValidateLabel($"{path}:Match:{label}", label, value, regex: false));
        }

        foreach (var (label, value) in route.MatchRe)
        {
            errors.AddRange(ValidateLabel($"{path}:MatchRe:{label}", label, value, regex: true));
        }

        for (var i = 0; i < route.Routes.Count; i++)
        {
            ValidateRoute(route.Routes[i], $"{path}:Routes:{i}", ownReceivers, ownChannels, router, errors);
        }
    }

    private static IEnumerable<string> ValidateLabel(string path, string label, string value, bool regex)
    {
        if (!label.Equals(AlertRouteOptions.CheckLabel, StringComparison.OrdinalIgnoreCase)
            && !label.Equals(AlertRouteOptions.SeverityLabel, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{path}: alerts carry the labels {AlertRouteOptions.CheckLabel} and {AlertRouteOptions.SeverityLabel} only.";
            yield break;
        }

        if (regex)
        {
            string? problem = null;
            try
            {
                _ = new Regex(value, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                problem = $"{path} is not a valid regular expression.";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
        else if (label.Equals(AlertRouteOptions.SeverityLabel, StringComparison.OrdinalIgnoreCase)
                 && !Enum.TryParse<CheckSeverity>(value.Trim(), ignoreCase: true, out _))
        {
            yield return $"{path} must be critical or warning.";
        }
    }

    /// <summary>The single-receiver form: every route names only channels the flat settings configure.</summary>
    private static List<string> ValidateSingleReceiver(AlertRoutesOptions routesOptions, IReadOnlyCollection<string> registeredChannels)
    {
        var errors = new List<string>();
        if (registeredChannels.Count == 0)
        {
            return errors; // alerts go to the log (LoggingAlertDelivery); routes are not used
        }

        var routes = new List<(string Route, string? Value)>
        {
            ($"{Section}:Routes:Critical", routesOptions.Critical ?? AlertRoutesOptions.DefaultCritical),
            ($"{Section}:Routes:Warning", routesOptions.Warning ?? AlertRoutesOptions.DefaultWarning),
        };
        routes.AddRange(routesOptions.Checks.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => ($"{Section}:Routes:Checks:{kv.Key}", (string?)kv.Value)));
        foreach (var (route, value) in routes)
        {
            foreach (var channel in AlertRouter.Tokens(value))
            {
                if (!ChannelToken().IsMatch(channel))
                {
                    errors.Add($"{route} names an invalid channel name (use 1-32 characters of a-z, 0-9, '_' and '-', or \"{AlertRouter.None}\").");
                }
                else if (!registeredChannels.Contains(channel, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{route} names channel '{channel}', which is not configured.");
                }
            }
        }

        return errors;
    }

    /// <summary>One plain address (no display name, no list), as a mail provider takes it.</summary>
    public static bool IsEmailAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value.Trim()
        && string.IsNullOrEmpty(address.DisplayName)
        && address.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>An absolute https URL; plain http only to a loopback host (local tests and stand-ins). Null is allowed (unset).</summary>
    public static bool IsAllowedUrl(Uri? url) =>
        url is null
        || (url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)));

    // A name from a setting, shown in an error: short and printable, or not at all.
    private static string Printable(string value) =>
        value.Length <= 32 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? value : "(invalid name)";

    private static Regex ChannelToken() => ChannelTokenPattern;

    private static readonly Regex ChannelTokenPattern = new("^[A-Za-z0-9_-]{1,32}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);
}
