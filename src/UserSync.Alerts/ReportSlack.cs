using System.Text.Json.Nodes;
using UserSync.Core.Reports;

namespace UserSync.Alerts;

/// <summary>The monthly report's Slack summary: one line per target of the plan, and the headline figures.</summary>
public static class ReportSlack
{
    public static JsonObject Payload(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var missed = report.Objectives.Count(o => o.Met == false);
        var lines = report.Objectives.Select(o =>
            $"{(o.Met switch { true => ":white_check_mark:", false => ":x:", null => ":heavy_minus_sign:" })} *{Escape(o.Name)}* ({Escape(o.Target)}): {Escape(o.Actual)}");
        var figures = ReportTables.Figures(report).Take(6).Select(f => $"{Escape(f[0])}: {Escape(f[1])}");
        return new JsonObject
        {
            ["text"] = $"User sync success metrics {Escape(report.Period)} ({Escape(report.Environment)}): {missed} of {report.Objectives.Count} targets missed",
            ["blocks"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "header",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = $"User sync success metrics: {report.Period} ({report.Environment})" },
                },
                new JsonObject { ["type"] = "section", ["text"] = Mrkdwn(string.Join('\n', lines)) },
                new JsonObject { ["type"] = "section", ["text"] = Mrkdwn(string.Join('\n', figures)) },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(Mrkdwn($"{Escape(ReportTables.Subtitle(report))} The full report went by email.")),
                },
            },
        };
    }

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
