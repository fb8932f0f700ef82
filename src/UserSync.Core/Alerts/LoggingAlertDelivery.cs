using Microsoft.Extensions.Logging;
using UserSync.Core.Telemetry;

namespace UserSync.Core.Alerts;

/// <summary>
/// The delivery until real channels are configured: writes each alert (already masked) to the
/// log, so a deployment without channels still leaves a trace of every alert.
/// </summary>
public sealed partial class LoggingAlertDelivery(ILogger<LoggingAlertDelivery> logger, UserSyncTelemetry? telemetry = null) : IAlertDelivery
{
    public Task<AlertDeliveryResult> DeliverAsync(AlertMessage alert, int dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        LogAlert(logger, alert.Severity.ToString(), alert.Check, alert.Status.ToString(), alert.Observed, alert.Expected, alert.Environment,
            alert.DedupKey, dequeueCount);
        telemetry?.RecordDelivery("log", delivered: true);
        return Task.FromResult(new AlertDeliveryResult(true, "logged"));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "ALERT [{Severity}] {Check} {Status}: observed {Observed}, expected {Expected} ({Environment}, {DedupKey}, try {DequeueCount})")]
    private static partial void LogAlert(ILogger logger, string severity, string check, string status, string observed, string expected,
        string environment, string dedupKey, int dequeueCount);
}
