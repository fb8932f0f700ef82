using System.CommandLine;
using Spectre.Console;
using UserSync.Core.Alerts;

namespace UserSync.Cli.Commands;

/// <summary>`usersync stats [--json]`: counts measured now, without recording a run.</summary>
public static class StatsCommand
{
    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("stats", "Measure both tables, ghosts, orphans and the trigger now (nothing is recorded).") { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var database = shared.Database(parsed, environment);
            var store = database.Store;
            var stats = await store.GetStatsAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(stats));
                return ExitCodes.Healthy;
            }

            var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("auth users", stats.AuthUsers.ToString("N0", Render.Culture));
            table.AddRow("profiles", stats.Profiles.ToString("N0", Render.Culture));
            table.AddRow("ghost users", stats.GhostUsers.ToString("N0", Render.Culture));
            table.AddRow("orphaned profiles", stats.OrphanedProfiles.ToString("N0", Render.Culture));
            table.AddRow("count difference", stats.CountDifference.ToString("N0", Render.Culture));
            table.AddRow("trigger", Markup.Escape(stats.TriggerState));
            environment.Console.Write(table);
            return ExitCodes.Healthy;
        });
        return command;
    }
}
