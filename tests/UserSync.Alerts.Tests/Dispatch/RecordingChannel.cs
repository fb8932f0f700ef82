using System.Collections.Concurrent;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Tests.Dispatch;

/// <summary>A fake channel at the IAlertChannel seam: records every send and answers as told (up by default).</summary>
internal sealed class RecordingChannel(string name) : IAlertChannel
{
    private readonly ConcurrentQueue<AlertMessage> _sent = new();

    public string Name { get; } = name;

    public bool Up { get; set; } = true;

    /// <summary>Held open until released, so two dispatchers can be made to overlap.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<AlertMessage> Sent => [.. _sent];

    public async Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        _sent.Enqueue(alert);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Up ? ChannelDelivery.Ok(202, "accepted") : ChannelDelivery.Failed(503, "service unavailable");
    }
}
