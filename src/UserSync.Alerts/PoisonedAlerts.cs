using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace UserSync.Alerts;

/// <summary>
/// The poison queue (user-sync-alerts-poison) as `usersync alerts poison list` and the dashboard
/// show it: peeked, nothing removed; ids and each alert's masked essentials only.
/// </summary>
public static class PoisonedAlerts
{
    /// <summary>The most a peek returns (the queue service's limit).</summary>
    public const int MaxPeek = 32;

    /// <summary>The first <see cref="MaxPeek"/> messages; none when the queue does not exist.</summary>
    public static async Task<IReadOnlyList<PoisonedMessage>> PeekAsync(QueueClient poison, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poison);
        var messages = (await poison.ExistsAsync(cancellationToken)).Value
            ? (await poison.PeekMessagesAsync(MaxPeek, cancellationToken)).Value
            : [];
        return messages.Select(Describe).ToList();
    }

    /// <summary>The queue's approximate length and its first messages; (0, none) when the queue does not exist.</summary>
    public static async Task<(int Count, IReadOnlyList<PoisonedMessage> Messages)> SummaryAsync(QueueClient poison, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poison);
        if (!(await poison.ExistsAsync(cancellationToken)).Value)
        {
            return (0, []);
        }

        var count = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        var messages = (await poison.PeekMessagesAsync(MaxPeek, cancellationToken)).Value.Select(Describe).ToList();
        return (Math.Max(count, messages.Count), messages);
    }

    public static PoisonedMessage Describe(PeekedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Body.ToString();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("alertId", out var alertId))
            {
                static string Field(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "?";
                return new PoisonedMessage(message.MessageId, message.InsertedOn, message.DequeueCount, alertId.ToString(),
                    $"{Field(root, "severity")} {Field(root, "check")} {Field(root, "status")} ({Field(root, "environment")}), alert {alertId}");
            }
        }
        catch (JsonException)
        {
        }

        return new PoisonedMessage(message.MessageId, message.InsertedOn, message.DequeueCount, null, $"(not an alert: {text.Length} characters)");
    }
}

/// <summary>One poisoned message as listed: ids and the alert's masked essentials only.</summary>
public sealed record PoisonedMessage(string MessageId, DateTimeOffset? InsertedOn, long DequeueCount, string? AlertId, string Summary);
