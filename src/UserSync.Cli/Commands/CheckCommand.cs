using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using UserSync.Alerts.Channels;
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
        var outbox = new Option<string?>("--outbox")
        {
            Description = "Also render each alert message as a channel would and write it (text + JSON) to this folder.",
        };
        var command = new Command("check", "Run the checks, record them, and print the alert messages they would queue.") { json, outbox };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var database = shared.Database(parsed, environment);
            var outcome = await database.Runner.RunAsync(AlertSources.Cli, cancellationToken);

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
            // The run is recorded by now: an outbox that cannot be written is reported, but the
            // exit code stays the check's own, which is what cron and CI act on.
            if (parsed.GetValue(outbox) is { } folder)
            {
                await WriteOutboxAsync(folder, outcome.Alerts, environment, cancellationToken);
            }

            return outcome.ExitCode;
        });
        return command;
    }

    // The outbox channel itself renders and writes, so what lands in the folder is exactly what a
    // deployment with the outbox channel would produce.
    private static async Task WriteOutboxAsync(string folder, IReadOnlyList<AlertMessage> alerts, CliEnvironment environment,
        CancellationToken cancellationToken)
    {
        var channel = new OutboxChannel(Microsoft.Extensions.Options.Options.Create(new OutboxChannelOptions { Directory = folder }),
            NullLogger<OutboxChannel>.Instance);
        var written = 0;
        string? failure = null;
        foreach (var alert in alerts)
        {
            await environment.Out.WriteLineAsync();
            await environment.Out.WriteLineAsync(OutboxChannel.Render(alert));
            var delivery = await channel.SendAsync(alert, cancellationToken);
            if (delivery.Delivered)
            {
                written++;
            }
            else
            {
                failure ??= delivery.Detail;
            }
        }

        if (failure is not null)
        {
            await environment.Error.WriteLineAsync(
                $"usersync: --outbox {folder}: {alerts.Count - written} of {alerts.Count} alert message(s) could not be written ({failure}); "
                + "the check ran and was recorded, and the exit code is the check's.");
            return;
        }

        await environment.Out.WriteLineAsync($"{alerts.Count} alert message(s) written to {folder}");
    }
}
