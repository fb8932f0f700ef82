using System.Collections.Concurrent;
using UserSync.Core.Alerts;

namespace UserSync.Functions.Tests;

/// <summary>Stands in for the channels at the IAlertDelivery seam: records each call and answers as told.</summary>
internal sealed class RecordingAlertDelivery(Func<AlertMessage, AlertDeliveryResult>? answer = null) : IAlertDelivery
{
    private readonly ConcurrentQueue<DeliveryCall> _calls = new();

    public IReadOnlyList<DeliveryCall> Calls => [.. _calls];

    public Task<AlertDeliveryResult> DeliverAsync(AlertMessage alert, int dequeueCount, CancellationToken cancellationToken)
    {
        _calls.Enqueue(new DeliveryCall(alert, dequeueCount));
        return Task.FromResult(answer?.Invoke(alert) ?? new AlertDeliveryResult(true, "recorded"));
    }
}

internal sealed record DeliveryCall(AlertMessage Alert, int DequeueCount);
