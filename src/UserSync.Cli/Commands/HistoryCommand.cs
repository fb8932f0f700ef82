using System.CommandLine;
using Spectre.Console;
using UserSync.Core.Alerts;

namespace UserSync.Cli.Commands;

/// <summary>`usersync history --days N [--json]`: recorded runs of the last N days (1..3650), newest first.</summary>
public static class HistoryCommand
{
    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var days = new Option<int>("--days") { Description = "How many days back (1..3650).", DefaultValueFactory = _ => 30 }.Between(1, 3650);
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("history", "Show recorded check runs, newest first.") { days, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var database = shared.Database(parsed, environment);
            var store = database.Store;
            var runs = await store.GetHistoryAsync(parsed.GetValue(days), cancellationToken);
            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(runs));
                return ExitCodes.Healthy;
            }

            var table = new Table()
                .AddColumn("checked at (UTC)").AddColumn("status").AddColumn(new TableColumn("ghosts").RightAligned())
                .AddColumn(new TableColumn("orphans").RightAligned()).AddColumn(new TableColumn("difference").RightAligned())
                .AddColumn("trigger").AddColumn("source");
            foreach (var run in runs)
            {
                table.AddRow(run.CheckedAt.ToString("yyyy-MM-dd HH:mm:ss", Render.Culture), Render.Status(run.Status),
                    run.GhostUsers.ToString(Render.Culture), run.OrphanedProfiles.ToString(Render.Culture),
                    run.CountDifference.ToString(Render.Culture), Markup.Escape(run.TriggerState), Markup.Escape(run.Source));
            }

            environment.Console.Write(table);
            await environment.Out.WriteLineAsync($"{runs.Count} run(s) in the last {parsed.GetValue(days)} day(s).");
            return ExitCodes.Healthy;
        });
        return command;
    }
}
