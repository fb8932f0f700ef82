using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using UserSync.Core.Alerts;
using UserSync.Core.Runs;

namespace UserSync.Cli.Commands;

/// <summary>`usersync check [--json]`: run and record the checks; exit 0 healthy, 1 degraded, 2 critical, 3 could not run.</summary>
public static class CheckCommand
{
    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var json = new Option<bool>("--json") { Description = "Print the run and its alert messages as JSON." };
        var command = new Command("check", "Run the checks, record them, and print the alert messages they would queue.") { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = shared.Resolve(parsed, environment);
            await using var store = new Core.Store.PostgresUserSyncStore(options);
            var runner = new CheckRunner(store, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System,
                NullLogger<CheckRunner>.Instance);
            var outcome = await runner.RunAsync(AlertSources.Cli, cancellationToken);

            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(new
                {
                    outcome = outcome.Kind,
                    exitCode = outcome.ExitCode,
                    run = outcome.Run,
                    alerts = outcome.Alerts,
                    failureReason = outcome.FailureReason,
                }));
                return outcome.ExitCode;
            }

            if (outcome.Run is { } run)
            {
                Render.Checks(environment.Console, run);
            }
            else
            {
                await environment.Error.WriteLineAsync($"usersync: check could not run: {outcome.FailureReason}");
            }

            Render.Alerts(environment, outcome.Alerts);
            return outcome.ExitCode;
        });
        return command;
    }
}
