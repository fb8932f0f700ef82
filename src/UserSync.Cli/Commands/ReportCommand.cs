using System.CommandLine;
using System.Text;
using Spectre.Console;
using UserSync.Core.Reports;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync report [--month yyyy-MM | --from D --to D] [--format table|markdown|html|json] [--output FILE]`:
/// the plan's success metrics for a month (default: the current one, up to now) or a range,
/// computed from what the monitor recorded (docs/report.md).
/// </summary>
public static class ReportCommand
{
    public static readonly string[] Formats = ["table", "markdown", "html", "json"];

    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(environment);
        var month = new Option<string?>("--month") { Description = "The calendar month, yyyy-MM (default: the current month, up to now)." };
        var from = new Option<string?>("--from") { Description = "Start of a range: yyyy-MM-dd (midnight UTC) or a time with an offset; with --to." };
        var to = new Option<string?>("--to") { Description = "End of the range, exclusive; at most 366 days after --from." };
        var format = new Option<string>("--format") { Description = "table, markdown, html or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of stdout (markdown, html, json)." };
        var command = new Command("report", "The plan's success metrics for a month or a range: incidents, MTTD, MTTR, uptime, repairs, deliveries.")
        {
            month, from, to, format, output,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var period = Period(parsed.GetValue(month), parsed.GetValue(from), parsed.GetValue(to), environment.Clock.GetUtcNow());
            var chosen = parsed.GetValue(format)!;
            var file = parsed.GetValue(output);
            if (file is not null && chosen == "table")
            {
                throw new CliUsageException("--output needs --format markdown, html or json.");
            }

            await using var database = shared.Database(parsed, environment);
            var report = await database.Reports.BuildAsync(period, cancellationToken);
            if (chosen == "table")
            {
                Table(environment.Console, report);
                return ExitCodes.Healthy;
            }

            var text = chosen switch
            {
                "markdown" => ReportMarkdown.Render(report),
                "html" => ReportHtml.Render(report),
                _ => ReportJson.Serialize(report) + "\n",
            };
            if (file is null)
            {
                await environment.Out.WriteAsync(text);
                return ExitCodes.Healthy;
            }

            await WriteWholeAsync(file, text, cancellationToken);
            await environment.Out.WriteLineAsync($"wrote the {chosen} report for {report.Period} to {file.FullName}");
            return ExitCodes.Healthy;
        });
        return command;
    }

    private static ReportPeriod Period(string? month, string? from, string? to, DateTimeOffset now)
    {
        if (month is not null && (from is not null || to is not null))
        {
            throw new CliUsageException("give either --month or --from and --to, not both.");
        }

        if (month is not null)
        {
            return ReportPeriod.TryParseMonth(month, out var period, out var error)
                ? period!
                : throw new CliUsageException($"--month {error}.");
        }

        if (from is null && to is null)
        {
            return ReportPeriod.CurrentMonth(now);
        }

        if (from is null || to is null)
        {
            throw new CliUsageException("--from and --to go together.");
        }

        return ReportPeriod.TryParseRange(from, to, out var range, out var problem)
            ? range!
            : throw new CliUsageException($"--{problem!.Value.Field} {problem.Value.Message}.");
    }

    // Into a temporary file beside it, then renamed: a failure never leaves half a report.
    private static async Task WriteWholeAsync(FileInfo file, string text, CancellationToken cancellationToken)
    {
        if (file.Directory is { Exists: false } directory)
        {
            throw new CliUsageException($"--output: the folder {directory.FullName} does not exist.");
        }

        var temporary = file.FullName + ".tmp-" + Environment.ProcessId;
        try
        {
            await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            File.Move(temporary, file.FullName, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliUsageException($"--output: cannot write {file.FullName}: {ex.Message}");
        }
    }

    private static void Table(IAnsiConsole console, SuccessReport report)
    {
        console.MarkupLine($"[bold]{Markup.Escape(ReportTables.Title(report))}[/]");
        console.WriteLine(ReportTables.Subtitle(report));
        console.Write(Spectre(ReportTables.ObjectiveHeader, ReportTables.Objectives(report), metColumn: 3));
        console.Write(Spectre(["figure", "value"], ReportTables.Figures(report), metColumn: -1));
        if (report.Incidents.Count == 0)
        {
            console.WriteLine("No check failed in this period.");
            return;
        }

        // Narrower than the markdown/HTML incident table, so it stays readable in 80 columns.
        console.Write(Spectre(["check", "started", "resolved", "detect", "resolve", "m/a", "noise"],
            report.Incidents.Select(i => new[]
            {
                Short(i.Check),
                i.StartedAt.ToString("MM-dd HH:mm", ReportFormat.Culture),
                i.ResolvedAt?.ToString("MM-dd HH:mm", ReportFormat.Culture) ?? "open",
                i.TimeToDetectMinutes is { } ttd ? ReportFormat.Duration(ttd) : "—",
                i.TimeToResolveMinutes is { } ttr ? ReportFormat.Duration(ttr) : "—",
                $"{i.ManualRepairs}/{i.AutomaticRepairs}",
                i.ResolvedWithoutRepair switch { true => "yes", false => "no", null => "—" },
            }), metColumn: -1).Title("incidents (UTC)"));
    }

    private static string Short(string check) => check switch
    {
        Core.Checks.CheckNames.GhostUsers => "ghosts",
        Core.Checks.CheckNames.OrphanedProfiles => "orphans",
        Core.Checks.CheckNames.CountParity => "parity",
        Core.Checks.CheckNames.TriggerEnabled => "trigger",
        _ => check,
    };

    private static Table Spectre(IReadOnlyList<string> header, IEnumerable<string[]> rows, int metColumn)
    {
        var table = new Table();
        foreach (var column in header)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select((cell, i) => i != metColumn ? Markup.Escape(cell)
                : cell == "yes" ? "[green]yes[/]" : cell == "NO" ? "[red]NO[/]" : Markup.Escape(cell)).ToArray());
        }

        return table;
    }
}
