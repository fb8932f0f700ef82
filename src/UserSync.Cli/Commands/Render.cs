using System.Globalization;
using Spectre.Console;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Cli.Commands;

/// <summary>How runs and alerts look in a terminal.</summary>
internal static class Render
{
    public static CultureInfo Culture => CultureInfo.InvariantCulture;

    public static string Status(SyncStatus status) => status switch
    {
        SyncStatus.Healthy => "[green]healthy[/]",
        SyncStatus.Degraded => "[yellow]degraded[/]",
        _ => "[red]critical[/]",
    };

    public static void Checks(IAnsiConsole console, MonitoringRun run)
    {
        var table = new Table()
            .Title($"run {PiiMasker.ShortenId(run.RunId)} at {run.CheckedAt.ToString("yyyy-MM-dd HH:mm:ss", Culture)} UTC")
            .AddColumn("check").AddColumn("severity").AddColumn("result").AddColumn("observed").AddColumn("expected");
        foreach (var check in run.Checks)
        {
            table.AddRow(Markup.Escape(check.Name), check.Severity.ToString().ToLowerInvariant(),
                check.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(check.Observed), Markup.Escape(check.Expected));
        }

        console.Write(table);
        console.MarkupLine($"status: {Status(run.Status)} ({run.DurationMs.ToString("0.#", Culture)} ms)");
    }

    /// <summary>Each alert message exactly as it would be queued (one JSON object per line).</summary>
    public static void Alerts(CliEnvironment environment, IReadOnlyList<AlertMessage> alerts)
    {
        if (alerts.Count == 0)
        {
            environment.Out.WriteLine("no alert messages");
            return;
        }

        environment.Out.WriteLine($"{alerts.Count} alert message(s) to queue:");
        foreach (var alert in alerts)
        {
            environment.Out.WriteLine(AlertJson.Serialize(alert));
        }
    }
}
