using System.CommandLine;
using UserSync.Core.Alerts;

namespace UserSync.Cli.Commands;

/// <summary>`usersync status [--json]`: the latest recorded run.</summary>
public static class StatusCommand
{
    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("status", "Show the latest recorded check run.") { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var database = shared.Database(parsed, environment);
            var store = database.Store;
            var latest = await store.GetLatestRunAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(latest));
            }
            else if (latest is null)
            {
                await environment.Out.WriteLineAsync("No check has been recorded yet: run 'usersync check'.");
            }
            else
            {
                Render.Checks(environment.Console, latest);
            }

            return ExitCodes.Healthy;
        });
        return command;
    }
}
