namespace UserSync.Core.Alerts;

/// <summary>Delivers one dequeued alert to its channels. Not delivered means: put the message back and try again.</summary>
public interface IAlertDelivery
{
    Task<AlertDeliveryResult> DeliverAsync(AlertMessage alert, int dequeueCount, CancellationToken cancellationToken);
}
