using System.Globalization;
using System.Text.RegularExpressions;
using UserSync.Infra.Tests.Bicep;
using UserSync.Infra.Tests.Code;

namespace UserSync.Infra.Tests.Rules;

/// <summary>
/// The log alert rules, held against the code: the names their KQL filters on are functions that
/// exist or metrics the code emits, the log phrases they look for are ones the code (or the host)
/// writes, every rule is wired to the action group with a severity, and the five signals the
/// monitor needs watched each have a rule.
/// </summary>
internal static partial class AlertRuleRules
{
    public static IReadOnlyList<string> Wiring(InfraTemplate infra)
    {
        var problems = new List<string>();
        var groups = infra.ActionGroupSymbols;
        foreach (var rule in infra.AlertRules)
        {
            if (!int.TryParse(rule.Severity, NumberStyles.None, CultureInfo.InvariantCulture, out var severity) || severity > 4)
            {
                problems.Add($"Alert rule {rule.Symbol} (infra/{rule.File}) has no literal severity 0-4.");
            }

            if (!rule.ActionReferences.Any(groups.Contains))
            {
                problems.Add($"Alert rule {rule.Symbol} (infra/{rule.File}) is not wired to an action group.");
            }

            if (rule.Queries.Count == 0 || rule.Queries.Any(q => q is null))
            {
                problems.Add($"Alert rule {rule.Symbol} (infra/{rule.File}) has a query that is not a literal or a var holding one.");
            }
        }

        return problems;
    }

    /// <summary>
    /// Every <c>Name == "x"</c> / <c>Name in ("x", ...)</c> in a query is a function in
    /// functions.metadata, the worker's invocation span of one ("function &lt;name&gt;"), or a metric
    /// the code creates.
    /// </summary>
    public static IReadOnlyList<string> Names(SourceCode code, InfraTemplate infra)
    {
        var known = code.Functions.Keys
            .Concat(code.Functions.Keys.Select(f => InvocationSpanPrefix + f))
            .Concat(code.MetricNames)
            .ToHashSet(StringComparer.Ordinal);
        return infra.AlertRules
            .SelectMany(rule => rule.Queries.OfType<string>().SelectMany(NamesIn).Select(name => (rule, name)))
            .Where(x => !known.Contains(x.name))
            .Select(x => $"Alert rule {x.rule.Symbol} filters on Name \"{x.name}\", which is neither a function (functions.metadata), its invocation span, nor a metric the code creates.")
            .ToList();
    }

    /// <summary>How the worker names its invocation span (OpenTelemetry schema 1.37, Microsoft.Azure.Functions.Worker.OpenTelemetry).</summary>
    public const string InvocationSpanPrefix = "function ";

    /// <summary>Every <c>contains "..."</c> / <c>has "..."</c> phrase is in the code's sources or names the poison queue (the host's own message).</summary>
    public static IReadOnlyList<string> Phrases(SourceCode code, InfraTemplate infra)
    {
        var poison = NameRules.PoisonQueueOf(code.AlertsQueue);
        return infra.AlertRules
            .SelectMany(rule => rule.Queries.OfType<string>().SelectMany(q => Phrase().Matches(q)).Select(m => (rule, phrase: m.Groups["value"].Value)))
            .Where(x => !code.SourcesContain(x.phrase) && !x.phrase.Contains(poison, StringComparison.Ordinal))
            .Select(x => $"Alert rule {x.rule.Symbol} looks for \"{x.phrase}\", which no source file writes and which is not the host's poison-queue message.")
            .ToList();
    }

    /// <summary>The signals that must each be watched: ghost users, trigger state, heartbeat, the poison queue and the dispatcher's failures.</summary>
    public static IReadOnlyList<string> Coverage(SourceCode code, InfraTemplate infra)
    {
        var queries = infra.AlertRules.SelectMany(r => r.Queries.OfType<string>()).ToList();
        var problems = new List<string>();
        foreach (var metric in new[] { "usersync.ghost_users", "usersync.trigger_enabled", "usersync.heartbeat" })
        {
            if (!queries.Any(q => q.Contains("AppMetrics", StringComparison.Ordinal) && NamesIn(q).Contains(metric)))
            {
                problems.Add($"No alert rule watches the metric {metric} (AppMetrics).");
            }
        }

        var poison = NameRules.PoisonQueueOf(code.AlertsQueue);
        if (!queries.Any(q => q.Contains(poison, StringComparison.Ordinal)))
        {
            problems.Add($"No alert rule watches the poison queue {poison}.");
        }

        if (!queries.Any(q => q.Contains("AppRequests", StringComparison.Ordinal) && NamesIn(q).Contains(code.AlertDispatcher)
            && q.Contains("Success == false", StringComparison.Ordinal)))
        {
            problems.Add($"No alert rule watches failed {code.AlertDispatcher} executions (AppRequests, Success == false).");
        }

        return problems;
    }

    public static IReadOnlyList<string> NamesIn(string query) =>
        NameEquals().Matches(query).Select(m => m.Groups["value"].Value)
            .Concat(NameIn().Matches(query).SelectMany(m => Quoted().Matches(m.Groups["list"].Value)).Select(m => m.Groups["value"].Value))
            .ToList();

    [GeneratedRegex(@"\bName\s*==\s*""(?<value>[^""]+)""")]
    private static partial Regex NameEquals();

    [GeneratedRegex(@"\bName\s+in\s*\((?<list>[^)]*)\)")]
    private static partial Regex NameIn();

    [GeneratedRegex(@"""(?<value>[^""]+)""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\b(?:contains|contains_cs|has|has_cs|startswith|endswith)\s+""(?<value>[^""]+)""")]
    private static partial Regex Phrase();
}
