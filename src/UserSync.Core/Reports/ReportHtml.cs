using System.Net;
using System.Text;

namespace UserSync.Core.Reports;

/// <summary>
/// The report as one self-contained HTML document: inline CSS and inline SVG charts, no script,
/// no external link or image, so it can be mailed or attached as it is (docs/report-example.html).
/// </summary>
public static class ReportHtml
{
    private const string Style =
        "body{font-family:Helvetica,Arial,sans-serif;color:#222;max-width:1100px;margin:2em auto;padding:0 1em}"
        + "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}"
        + "th{background:#f4f4f4}td.yes{color:#1e8449;font-weight:bold}td.NO{color:#c0392b;font-weight:bold}"
        + "p.sub{color:#555}figure{margin:1em 0}";

    public static string Render(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var title = ReportTables.Title(report);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head>\n<body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n")
            .Append("<p class=\"sub\">").Append(Encode(ReportTables.Subtitle(report))).Append("</p>\n")
            .Append("<h2>The plan's targets</h2>\n");
        Table(html, ReportTables.ObjectiveHeader, ReportTables.Objectives(report), metColumn: 3);
        html.Append("<h2>Charts</h2>\n<figure>").Append(ReportCharts.GhostsPerDay(report)).Append("</figure>\n")
            .Append("<figure>").Append(ReportCharts.TriggerUptimePerDay(report)).Append("</figure>\n")
            .Append("<h2>Figures</h2>\n");
        Table(html, ["figure", "value"], ReportTables.Figures(report), metColumn: -1);
        html.Append("<h2>Incidents</h2>\n");
        if (report.Incidents.Count == 0)
        {
            html.Append("<p>No check failed in this period.</p>\n");
        }
        else
        {
            Table(html, ReportTables.IncidentHeader, ReportTables.Incidents(report), metColumn: -1);
        }

        return html.Append("<p class=\"sub\">How each figure is computed, and its limits: docs/report.md in the UserSync repository.</p>\n</body></html>\n")
            .ToString();
    }

    private static void Table(StringBuilder html, IReadOnlyList<string> header, IEnumerable<string[]> rows, int metColumn)
    {
        html.Append("<table><tr>");
        foreach (var cell in header)
        {
            html.Append("<th>").Append(Encode(cell)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                html.Append(i == metColumn ? $"<td class=\"{Encode(row[i])}\">" : "<td>").Append(Encode(row[i])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
