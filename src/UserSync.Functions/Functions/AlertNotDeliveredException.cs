namespace UserSync.Functions.Functions;

/// <summary>Thrown so the host retries a queue message: the alert is valid but a routed channel does not have it yet.</summary>
public sealed class AlertNotDeliveredException : Exception
{
    public AlertNotDeliveredException()
    {
    }

    public AlertNotDeliveredException(string message)
        : base(message)
    {
    }

    public AlertNotDeliveredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AlertNotDeliveredException(string alertId, string summary)
        : base($"Alert {alertId} was not delivered to every routed channel: {summary}")
    {
    }
}
