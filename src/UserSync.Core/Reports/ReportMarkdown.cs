using System.Text;

namespace UserSync.Core.Reports;

/// <summary>The report as GitHub-flavoured markdown (docs/report-example.md is one).</summary>
public static class ReportMarkdown
{
    public static string Render(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# ").Append(ReportTables.Title(report)).Append("\n\n").Append(ReportTables.Subtitle(report)).Append("\n\n");
        md.Append("## The plan's targets\n\n");
        Table(md, ReportTables.ObjectiveHeader, ReportTables.Objectives(report));
        md.Append("\n## Figures\n\n");
        Table(md, ["figure", "value"], ReportTables.Figures(report));
        md.Append("\n## Incidents\n\n");
        if (report.Incidents.Count == 0)
        {
            md.Append("No check failed in this period.\n");
        }
        else
        {
            Table(md, ReportTables.IncidentHeader, ReportTables.Incidents(report));
        }

        md.Append("\n## Days with a finding\n\n");
        var days = report.Daily.Where(d => d.MaxGhosts > 0 || d.MaxOrphans > 0 || d.TriggerUptime < 1).ToList();
        if (days.Count == 0)
        {
            md.Append("Every day was clean.\n");
        }
        else
        {
            Table(md, ["day", "runs", "max ghosts", "max orphans", "trigger uptime", "ghost-minutes"], days.Select(d => new[]
            {
                d.Day.ToString("yyyy-MM-dd", ReportFormat.Culture),
                d.Runs.ToString(ReportFormat.Culture),
                d.MaxGhosts.ToString(ReportFormat.Culture),
                d.MaxOrphans.ToString(ReportFormat.Culture),
                d.TriggerUptime is { } up ? ReportFormat.Percent(up) : "—",
                d.GhostMinutes.ToString("0.##", ReportFormat.Culture),
            }));
        }

        md.Append("\nHow each figure is computed, and its limits: docs/report.md.\n");
        return md.ToString();
    }

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        md.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        md.Append('|').Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        }
    }
}
