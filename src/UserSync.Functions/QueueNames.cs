namespace UserSync.Functions;

/// <summary>The storage queues the functions bind to (attribute arguments must be constants).</summary>
public static class QueueNames
{
    /// <summary>One message per alert, written by DailyCheck and RunChecks, read by AlertDispatcher.</summary>
    public const string Alerts = "user-sync-alerts";

    /// <summary>
    /// Where the host moves a message after maxDequeueCount failed tries, and where AlertDispatcher
    /// writes a message it can never deliver (garbled, invalid) at once instead of retrying it.
    /// </summary>
    public const string AlertsPoison = "user-sync-alerts-poison";
}
