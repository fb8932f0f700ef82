using System.Globalization;
using System.Net;
using System.Text;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Alerts.Channels;

/// <summary>
/// The email both providers send for one alert: a one-line subject such as
/// "[CRITICAL] user sync: 12 ghost users (prod)", a plain-text body and an HTML body with every
/// value encoded. Alerts carry masked samples only; a sample that still looks like a bare address
/// is masked again, so a mistake upstream does not reach an inbox.
/// </summary>
public sealed record EmailContent(string Subject, string PlainText, string Html)
{
    private const int MaxSubjectLength = 200;
    private const int MaxSamples = 10;

    public static EmailContent Render(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var subject = SingleLine($"{Tag(alert)} user sync: {Headline(alert)} ({alert.Environment})", MaxSubjectLength);
        var samples = alert.Samples.Take(MaxSamples).Select(SafeSample).ToList();
        var detectedAt = alert.DetectedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var fields = new List<(string Label, string Value)>
        {
            ("Severity", Lower(alert.Severity.ToString())),
            ("Status", Lower(alert.Status.ToString())),
            ("Check", alert.Check),
            ("Environment", alert.Environment),
            ("Observed", alert.Observed),
            ("Expected", alert.Expected),
        };
        if (samples.Count > 0)
        {
            fields.Add(("Samples (masked)", string.Join(", ", samples)));
        }

        fields.Add(("Run id", alert.RunId.ToString()));
        fields.Add(("Detected at", detectedAt));
        return new EmailContent(subject, RenderText(subject, fields, alert.RunbookUrl), RenderHtml(subject, fields, alert.RunbookUrl));
    }

    private static string Tag(AlertMessage alert) => alert.Status == AlertStatus.Resolved
        ? "[RESOLVED]"
        : $"[{alert.Severity.ToString().ToUpperInvariant()}]";

    private static string Headline(AlertMessage alert)
    {
        var firing = alert.Status == AlertStatus.Firing;
        return alert.Check switch
        {
            CheckNames.GhostUsers => firing ? $"{alert.Observed} ghost users" : $"ghost users back to {alert.Expected}",
            CheckNames.OrphanedProfiles => firing ? $"{alert.Observed} orphaned profiles" : $"orphaned profiles back to {alert.Expected}",
            CheckNames.CountParity => firing ? $"fewer profiles than auth users ({alert.Observed})" : "profile count back in parity",
            CheckNames.TriggerEnabled => firing ? $"sync trigger {alert.Observed}" : "sync trigger enabled again",
            CheckNames.MonitorFailed => firing ? "the monitor could not run" : "the monitor runs again",
            AlertReceiverTest.Check => "TEST message, nothing is wrong",
            _ => firing ? $"{alert.Check} failing (observed {alert.Observed}, expected {alert.Expected})" : $"{alert.Check} passing again",
        };
    }

    private static string RenderText(string subject, List<(string Label, string Value)> fields, string runbookUrl)
    {
        var width = fields.Max(f => f.Label.Length) + 2;
        var text = new StringBuilder().Append(subject).Append("\n\n");
        foreach (var (label, value) in fields)
        {
            text.Append((label + ":").PadRight(width)).Append(SingleLine(value, 2000)).Append('\n');
        }

        return text.Append('\n').Append("Runbook: ").Append(SingleLine(runbookUrl, 2000)).Append('\n').ToString();
    }

    private static string RenderHtml(string subject, List<(string Label, string Value)> fields, string runbookUrl)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">")
            .Append("<h2>").Append(Encode(subject)).Append("</h2>")
            .Append("<table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        foreach (var (label, value) in fields)
        {
            html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>");
        }

        html.Append("</table><p>Runbook: ");
        // Only http(s) links become anchors: a javascript: or data: URL stays inert text.
        if (Uri.TryCreate(runbookUrl, UriKind.Absolute, out var runbook) && (runbook.Scheme == Uri.UriSchemeHttps || runbook.Scheme == Uri.UriSchemeHttp))
        {
            html.Append("<a href=\"").Append(Encode(runbookUrl)).Append("\">").Append(Encode(runbookUrl)).Append("</a>");
        }
        else
        {
            html.Append(Encode(runbookUrl));
        }

        return html.Append("</p></body></html>").ToString();
    }

    private static string SafeSample(string sample) =>
        sample.Contains('@', StringComparison.Ordinal) && !sample.Contains("***", StringComparison.Ordinal)
            ? PiiMasker.MaskEmail(sample)
            : sample;

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string Lower(string value) => value.ToLowerInvariant();

    /// <summary>Control characters (CR/LF above all) never reach a header or a one-line field.</summary>
    private static string SingleLine(string value, int maxLength)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(char.IsControl(c) ? ' ' : c);
        }

        var line = text.ToString().Trim();
        return line.Length <= maxLength ? line : string.Concat(line.AsSpan(0, maxLength - 1), "…");
    }
}
