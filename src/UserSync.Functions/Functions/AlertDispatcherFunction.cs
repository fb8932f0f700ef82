using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using UserSync.Core.Alerts;

namespace UserSync.Functions.Functions;

/// <summary>
/// Delivers one message of user-sync-alerts. Two ways to fail, on purpose different:
/// a message that is not a valid alert can never succeed, so it is written to the poison queue at
/// once (and removed from the alerts queue) instead of burning maxDequeueCount tries; a valid alert
/// that did not reach every channel throws, so the host makes it visible again and, after
/// maxDequeueCount tries, poisons it itself. Either way it is logged first with the reason.
/// </summary>
public sealed partial class AlertDispatcherFunction(IAlertDelivery delivery, ILogger<AlertDispatcherFunction> logger)
{
    public const string Name = "AlertDispatcher";

    /// <param name="message">The message body as the queue holds it (the host decodes base64).</param>
    /// <param name="dequeueCount">Trigger metadata: 1 on the first try.</param>
    /// <param name="id">Trigger metadata: the queue message id, for the logs.</param>
    /// <param name="cancellationToken">Cancelled when the host shuts the worker down.</param>
    [Function(Name)]
    public async Task<PoisonOutput> RunAsync(
        [QueueTrigger(QueueNames.Alerts)] string message,
        long dequeueCount,
        string? id,
        CancellationToken cancellationToken)
    {
        var messageId = id ?? "(unknown)";
        var tries = (int)Math.Clamp(dequeueCount, 1, int.MaxValue);
        if (!AlertMessageReader.TryRead(message, out var alert, out var reason))
        {
            LogPoisoned(logger, messageId, tries, reason);
            return new PoisonOutput { Poison = message ?? "" };
        }

        var result = await delivery.DeliverAsync(alert, tries, cancellationToken);
        if (!result.Delivered)
        {
            LogNotDelivered(logger, alert.AlertId, messageId, tries, result.Summary);
            throw new AlertNotDeliveredException(alert.AlertId, result.Summary);
        }

        LogDelivered(logger, alert.AlertId, alert.Check, alert.Status, tries, result.Summary);
        return PoisonOutput.None;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "AlertDispatcher moved message {MessageId} (try {DequeueCount}) to the poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, int dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "AlertDispatcher could not deliver {AlertId} (message {MessageId}, try {DequeueCount}); the host will retry it: {Summary}")]
    private static partial void LogNotDelivered(ILogger logger, string alertId, string messageId, int dequeueCount, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "AlertDispatcher delivered {AlertId} ({Check} {Status}, try {DequeueCount}): {Summary}")]
    private static partial void LogDelivered(ILogger logger, string alertId, string check, AlertStatus status, int dequeueCount, string summary);
}
