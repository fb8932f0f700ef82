using Microsoft.Extensions.Logging;
using UserSync.Core.Alerts;
using UserSync.Core.Runs;
using UserSync.Core.Telemetry;

namespace UserSync.Alerts;

/// <summary>
/// Delivers one dequeued alert to every receiver its route names, through each of that receiver's
/// routed channels, each at most once (ledger, keyed by alert, receiver and channel): claim, send,
/// record. A delivery already made is skipped; one another dispatcher is making right now counts as
/// not delivered yet, so the message comes back and the next try finds it delivered. Delivered
/// only when every routed receiver's channel has the alert; otherwise the host retries the message
/// and, after maxDequeueCount tries, poisons it.
/// </summary>
public sealed partial class AlertDispatcher(
    AlertRouter router,
    AlertReceiverChannels channels,
    AlertDeliveryLedger ledger,
    ILogger<AlertDispatcher> logger,
    UserSyncTelemetry? telemetry = null) : IAlertDelivery
{
    public async Task<AlertDeliveryResult> DeliverAsync(AlertMessage alert, int dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var routed = router.Resolve(alert).SelectMany(d => d.Channels.Select(c => (d.Receiver, Channel: c))).ToList();
        if (routed.Count == 0)
        {
            LogUnrouted(logger, alert.Check, alert.Severity.ToString(), alert.Status.ToString());
            return new AlertDeliveryResult(true, "no channel routed");
        }

        // In parallel: a slow or retrying channel does not hold up the others.
        var outcomes = await Task.WhenAll(routed.Select(r => DeliverToAsync(r.Receiver, r.Channel, alert, dequeueCount, cancellationToken)));
        var delivered = outcomes.All(o => o.Kind is OutcomeKind.Delivered or OutcomeKind.AlreadyDelivered);
        return new AlertDeliveryResult(delivered, string.Join("; ", outcomes.Select(o => o.Describe())));
    }

    private async Task<ChannelOutcome> DeliverToAsync(string receiver, string name, AlertMessage alert, int dequeueCount,
        CancellationToken cancellationToken)
    {
        var target = $"{receiver}/{name}";
        if (channels.Find(receiver, name) is not { } channel)
        {
            // Start-up validation rejects such a route; this guards a channel removed at run time.
            return new ChannelOutcome(target, OutcomeKind.Failed, null, "not configured");
        }

        LedgerClaim claim;
        try
        {
            claim = await ledger.ClaimAsync(alert.AlertId, receiver, name, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Without the ledger a send could repeat: better late than twice.
            var reason = DatabaseFailure.Describe(ex);
            LogLedgerUnavailable(logger, target, alert.AlertId, reason);
            return new ChannelOutcome(target, OutcomeKind.Failed, null, $"ledger unavailable: {reason}");
        }

        switch (claim)
        {
            case LedgerClaim.Delivered:
                return new ChannelOutcome(target, OutcomeKind.AlreadyDelivered, null, null);
            case LedgerClaim.Busy:
                LogBusy(logger, target, alert.AlertId, dequeueCount);
                return new ChannelOutcome(target, OutcomeKind.Busy, null, null);
        }

        ChannelDelivery sent;
        try
        {
            sent = await channel.SendAsync(alert, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(alert.AlertId, receiver, name, ChannelDelivery.Failed(null, "cancelled"));
            throw;
        }
        catch (Exception ex)
        {
            // The type only: a channel's exception message may carry a URL or an address.
            sent = ChannelDelivery.Failed(null, $"threw {ex.GetType().Name}");
        }

        telemetry?.RecordDelivery(name, sent.Delivered);
        try
        {
            await ledger.CompleteAsync(alert.AlertId, receiver, name, sent, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseFailure.Is(ex))
        {
            // Sent but not recorded: the claim lapses after its lease and a later try may send
            // again. At least once beats never; say so.
            var reason = DatabaseFailure.Describe(ex);
            LogLedgerUnavailable(logger, target, alert.AlertId, reason);
            return new ChannelOutcome(target, OutcomeKind.Failed, sent.StatusCode, $"{(sent.Delivered ? "sent" : "failed")}, not recorded: {reason}");
        }

        if (!sent.Delivered)
        {
            LogChannelFailed(logger, target, alert.AlertId, sent.StatusCode, sent.Detail, dequeueCount);
        }

        return new ChannelOutcome(target, sent.Delivered ? OutcomeKind.Delivered : OutcomeKind.Failed, sent.StatusCode, sent.Detail);
    }

    private async Task ReleaseQuietlyAsync(string alertId, string receiver, string name, ChannelDelivery outcome)
    {
        try
        {
            await ledger.CompleteAsync(alertId, receiver, name, outcome, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseFailure.Is(ex))
        {
            // The claim lapses after its lease instead.
        }
    }

    private enum OutcomeKind
    {
        Delivered,
        AlreadyDelivered,
        Busy,
        Failed,
    }

    /// <param name="Target">"receiver/channel".</param>
    private sealed record ChannelOutcome(string Target, OutcomeKind Kind, int? StatusCode, string? Detail)
    {
        public string Describe()
        {
            var what = Kind switch
            {
                OutcomeKind.Delivered => "delivered",
                OutcomeKind.AlreadyDelivered => "already delivered",
                OutcomeKind.Busy => "busy (another dispatcher is sending)",
                _ => "failed",
            };
            var status = StatusCode is { } code ? $" {code}" : "";
            var detail = Kind == OutcomeKind.Failed && !string.IsNullOrEmpty(Detail) ? $": {Detail}" : "";
            return $"{Target}: {what}{status}{detail}";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Check} ({Severity}, {Status}) routes to no enabled channel")]
    private static partial void LogUnrouted(ILogger logger, string check, string severity, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel} is being sent {AlertId} by another dispatcher (try {DequeueCount})")]
    private static partial void LogBusy(ILogger logger, string channel, string alertId, int dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {Channel} could not deliver {AlertId}: status {StatusCode}, {Detail} (try {DequeueCount})")]
    private static partial void LogChannelFailed(ILogger logger, string channel, string alertId, int? statusCode, string detail, int dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery ledger unavailable for channel {Channel}, alert {AlertId}: {Reason}")]
    private static partial void LogLedgerUnavailable(ILogger logger, string channel, string alertId, string reason);
}
