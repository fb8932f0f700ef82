using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Alerts;

/// <summary>
/// `usersync alerts test --receiver NAME`: one clearly-labelled test message through every channel
/// of one receiver, outside the ledger (each test is sent). PagerDuty gets the test event and its
/// resolve right after, so the test incident closes itself.
/// </summary>
public static class AlertReceiverTest
{
    /// <summary>The check name test messages carry, so no one mistakes one for a real failure.</summary>
    public const string Check = "receiver_test";

    public static AlertMessage Message(string receiver, string environment, string runbookUrl, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var runId = Guid.NewGuid();
        return new AlertMessage
        {
            AlertId = $"{runId:N}:{Check}:firing",
            Environment = environment,
            Check = Check,
            Severity = CheckSeverity.Warning,
            Status = AlertStatus.Firing,
            Observed = $"TEST: a test message for receiver '{receiver}' (usersync alerts test); nothing is wrong",
            Expected = "nothing to do",
            RunId = runId,
            DetectedAt = at,
            RunbookUrl = runbookUrl,
            DedupKey = $"usersync:{environment}:{Check}:{receiver}",
        };
    }

    /// <summary>Sends the test through each channel in turn; one result per channel, in the receiver's order.</summary>
    public static async Task<IReadOnlyList<(string Channel, ChannelDelivery Result)>> SendAsync(
        ReceiverDelivery receiver, AlertReceiverChannels channels, AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(message);
        var results = new List<(string, ChannelDelivery)>();
        foreach (var name in receiver.Channels)
        {
            if (channels.Find(receiver.Receiver, name) is not { } channel)
            {
                results.Add((name, ChannelDelivery.Failed(null, "not configured")));
                continue;
            }

            ChannelDelivery result;
            try
            {
                result = await channel.SendAsync(message, cancellationToken);
                if (result.Delivered && name == AlertChannelNames.PagerDuty)
                {
                    var resolve = await channel.SendAsync(message with { Status = AlertStatus.Resolved, AlertId = message.AlertId.Replace(":firing", ":resolved", StringComparison.Ordinal) },
                        cancellationToken);
                    result = resolve.Delivered ? result with { Detail = "delivered and resolved" } : ChannelDelivery.Failed(resolve.StatusCode, $"delivered, resolve failed: {resolve.Detail}");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The type only: a channel's exception message may carry a URL or an address.
                result = ChannelDelivery.Failed(null, $"threw {ex.GetType().Name}");
            }

            results.Add((name, result));
        }

        return results;
    }
}
