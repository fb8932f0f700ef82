using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;

namespace UserSync.Functions.Functions;

/// <summary>
/// DailyCheck's outputs: each element becomes one message on user-sync-alerts. Strings, not
/// objects, so each message is exactly <see cref="AlertJson"/>'s shape (camelCase, lower-case
/// enums), which AlertDispatcher reads, whatever serializer the worker is configured with.
/// </summary>
public sealed class AlertMessages
{
    /// <summary>Null when there is nothing to queue: the worker then sends no output at all.</summary>
    [QueueOutput(QueueNames.Alerts)]
    public string[]? Alerts { get; init; }

    public static AlertMessages From(IReadOnlyList<AlertMessage> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        return new AlertMessages { Alerts = alerts.Count == 0 ? null : alerts.Select(AlertJson.Serialize).ToArray() };
    }
}
