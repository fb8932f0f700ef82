using Azure.Storage.Queues;

namespace UserSync.Cli.Queues;

/// <summary>The function app's alert queues, as the CLI reads and writes them.</summary>
internal static class AlertQueues
{
    public const string Alerts = "user-sync-alerts";

    /// <summary>Where the host moves a message after maxDequeueCount failed tries.</summary>
    public const string Poison = "user-sync-alerts-poison";

    /// <summary>The function app's queue extension reads and writes base64 (host.json extensions.queues.messageEncoding).</summary>
    public static QueueClientOptions Options
    {
        get
        {
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            // A local queue either answers at once or is not running: fail in about a second, not a minute.
            options.Retry.MaxRetries = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            return options;
        }
    }
}
