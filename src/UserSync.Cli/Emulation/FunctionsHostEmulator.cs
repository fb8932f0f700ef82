using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace UserSync.Cli.Emulation;

/// <summary>
/// Plays the Azure Functions host against a running custom handler for local use: fires the timer
/// and moves queue messages, with the exact envelopes and queue encoding the host uses
/// (DESIGN.md §4). Written by hand because Functions Core Tools cannot be installed here; it is a
/// development aid, not a host: no scaling, no keys, one message at a time.
/// </summary>
public sealed class FunctionsHostEmulator(HttpClient handler, QueueServiceClient queues, int maxDequeueCount)
{
    public const string AlertsQueue = "user-sync-alerts";
    public const string PoisonQueue = "user-sync-alerts-poison";

    /// <summary>The host's queue extension reads and writes base64 (host.json extensions.queues.messageEncoding).</summary>
    public static QueueClientOptions QueueOptions
    {
        get
        {
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            // A local queue either answers at once or is not running: fail in about a second, not a minute.
            options.Retry.MaxRetries = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            return options;
        }
    }

    /// <summary>POSTs the timer envelope to /DailyCheck and enqueues each object of Outputs.alerts as one message.</summary>
    public async Task<TimerResult> FireTimerAsync(bool pastDue, CancellationToken cancellationToken)
    {
        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = null,
                    ["IsPastDue"] = pastDue,
                },
            },
            ["Metadata"] = new JsonObject
            {
                ["sys"] = new JsonObject
                {
                    ["MethodName"] = "DailyCheck",
                    ["UtcNow"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                    ["RandGuid"] = Guid.NewGuid().ToString(),
                },
            },
        };
        using var response = await handler.PostAsJsonAsync("DailyCheck", envelope, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new TimerResult(false, (int)response.StatusCode, [], []);
        }

        var root = JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException("DailyCheck answered a body that is not a JSON object");
        var logs = root["Logs"]?.AsArray().Select(l => l?.GetValue<string>() ?? "").ToList() ?? [];
        var queue = queues.GetQueueClient(AlertsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var sent = new List<string>();
        foreach (var alert in root["Outputs"]?["alerts"]?.AsArray() ?? [])
        {
            if (alert is not JsonObject)
            {
                throw new InvalidOperationException("Outputs.alerts holds something that is not a JSON object");
            }

            var text = alert.ToJsonString();
            await queue.SendMessageAsync(text, cancellationToken);
            sent.Add(text);
        }

        return new TimerResult(true, (int)response.StatusCode, logs, sent);
    }

    /// <summary>
    /// Delivers queued messages to /AlertDispatcher until the queue is empty (or <paramref name="maxMessages"/>
    /// invocations): deleted on 2xx; on any other answer retried, and moved to the poison queue
    /// once it has been dequeued maxDequeueCount times, as the host does.
    /// </summary>
    public async Task<DispatchResult> DrainAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(AlertsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        int delivered = 0, failed = 0, poisoned = 0;
        for (var invocation = 0; invocation < maxMessages; invocation++)
        {
            QueueMessage? message = (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(1), cancellationToken)).Value;
            if (message is null)
            {
                break;
            }

            using var response = await handler.PostAsync(new Uri("AlertDispatcher", UriKind.Relative),
                new StringContent(Envelope(message).ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                delivered++;
            }
            else if (message.DequeueCount >= maxDequeueCount)
            {
                await MoveToPoisonAsync(queue, message, cancellationToken);
                failed++;
                poisoned++;
            }
            else
            {
                // Visible again at once, so a local run retries without waiting out visibilityTimeout.
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero,
                    cancellationToken: cancellationToken);
                failed++;
            }
        }

        return new DispatchResult(delivered, failed, poisoned);
    }

    /// <summary>The queue-trigger envelope: string data and string metadata JSON-encoded twice, numbers as strings.</summary>
    public static JsonObject Envelope(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["alert"] = Twice(message.Body.ToString()) },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = message.DequeueCount.ToString(CultureInfo.InvariantCulture),
                ["ExpirationTime"] = Twice(Iso(message.ExpiresOn)),
                ["Id"] = Twice(message.MessageId),
                ["InsertionTime"] = Twice(Iso(message.InsertedOn)),
                ["NextVisibleTime"] = Twice(Iso(message.NextVisibleOn)),
                ["PopReceipt"] = Twice(message.PopReceipt),
                ["sys"] = new JsonObject { ["MethodName"] = "AlertDispatcher" },
            },
        };
    }

    private static string Twice(string value) => JsonSerializer.Serialize(value);

    private static string Iso(DateTimeOffset? at) => at?.ToString("o", CultureInfo.InvariantCulture) ?? "";

    private async Task MoveToPoisonAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(PoisonQueue);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.Body.ToString(), cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }
}

public sealed record TimerResult(bool Succeeded, int StatusCode, IReadOnlyList<string> Logs, IReadOnlyList<string> Enqueued);

public sealed record DispatchResult(int Delivered, int Failed, int Poisoned);
