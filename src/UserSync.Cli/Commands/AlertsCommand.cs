using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Spectre.Console;
using UserSync.Alerts;
using UserSync.Cli.Queues;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync alerts poison list | requeue`: alerts that reached nobody. The host moves a message
/// to user-sync-alerts-poison after maxDequeueCount failed tries; on-call lists them here and, once
/// the cause is fixed, puts them back on user-sync-alerts. `alerts routes` and `alerts test`
/// (<see cref="AlertRoutesCommands"/>) show and try the receivers.
/// </summary>
public static class AlertsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var storage = new Option<string?>("--storage")
        {
            Description = "Queue storage connection string (default: $AzureWebJobsStorage).",
            Recursive = true,
        };

        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var list = new Command("list", "List the poisoned alert messages (peek: nothing is removed).") { json };
        list.SetAction(async (parsed, cancellationToken) =>
        {
            var rows = await PoisonedAlerts.PeekAsync(Queue(parsed, storage, environment, AlertQueues.Poison), cancellationToken);
            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(JsonSerializer.Serialize(rows, JsonOptions));
                return ExitCodes.Healthy;
            }

            var table = new Table().AddColumn("message").AddColumn("inserted (UTC)").AddColumn("alert");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.MessageId), row.InsertedOn?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                    Markup.Escape(row.Summary));
            }

            environment.Console.Write(table);
            await environment.Out.WriteLineAsync($"{rows.Count} poisoned message(s) on {AlertQueues.Poison} (the first {PoisonedAlerts.MaxPeek} are shown).");
            return ExitCodes.Healthy;
        });

        var id = new Option<string?>("--id") { Description = "Requeue this message id only." };
        var all = new Option<bool>("--all") { Description = "Requeue every poisoned message." };
        var requeue = new Command("requeue", "Move poisoned messages back to user-sync-alerts for another round of delivery.") { id, all };
        requeue.Validators.Add(result =>
        {
            if (result.GetValue(all) == (result.GetValue(id) is not null))
            {
                result.AddError("give exactly one of --id MESSAGE or --all.");
            }
        });
        requeue.SetAction(async (parsed, cancellationToken) =>
        {
            var poison = Queue(parsed, storage, environment, AlertQueues.Poison);
            var alerts = Queue(parsed, storage, environment, AlertQueues.Alerts);
            await alerts.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var wanted = parsed.GetValue(id);
            var moved = 0;
            if ((await poison.ExistsAsync(cancellationToken)).Value)
            {
                // Received messages stay invisible for the pass, so each is seen once; the ones
                // left behind are made visible again at the end.
                var skipped = new List<QueueMessage>();
                while (true)
                {
                    var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(2), cancellationToken)).Value;
                    if (batch.Length == 0)
                    {
                        break;
                    }

                    foreach (var message in batch)
                    {
                        if (wanted is not null && message.MessageId != wanted)
                        {
                            skipped.Add(message);
                            continue;
                        }

                        await alerts.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        moved++;
                    }
                }

                foreach (var message in skipped)
                {
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero,
                        cancellationToken: cancellationToken);
                }
            }

            if (wanted is not null && moved == 0)
            {
                await environment.Error.WriteLineAsync($"usersync: no poisoned message with id {wanted}.");
                return ExitCodes.Usage;
            }

            await environment.Out.WriteLineAsync($"{moved} message(s) moved back to {AlertQueues.Alerts}.");
            return ExitCodes.Healthy;
        });

        var poisonCommand = new Command("poison", "Alerts that reached nobody: list them, put them back.") { list, requeue };
        return new Command("alerts", "Alert routes, test messages and the poison queue.")
        {
            storage, poisonCommand, AlertRoutesCommands.Routes(environment), AlertRoutesCommands.Test(environment),
        };
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static QueueClient Queue(ParseResult parsed, Option<string?> storage, CliEnvironment environment, string name) =>
        QueueStorage.Service(parsed, storage, environment).GetQueueClient(name);
}
