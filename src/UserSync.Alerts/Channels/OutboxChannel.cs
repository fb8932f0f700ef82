using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Writes each alert to a local folder as {alert id}.txt (what a person would read) and
/// {alert id}.json (the queue message): the README demo's "alert it would have sent".
/// </summary>
public sealed partial class OutboxChannel(IOptions<OutboxChannelOptions> options, ILogger<OutboxChannel> logger) : IAlertChannel
{
    public const string ChannelName = "outbox";

    public string Name => ChannelName;

    public async Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var directory = options.Value.Directory;
        var name = FileNameFor(alert.AlertId);
        try
        {
            Directory.CreateDirectory(directory);
            await WriteAsync(Path.Combine(directory, name + ".json"), AlertJson.Serialize(alert), cancellationToken);
            await WriteAsync(Path.Combine(directory, name + ".txt"), Render(alert), cancellationToken);
            LogWritten(logger, alert.AlertId, name);
            return ChannelDelivery.Ok(null, $"written {name}.txt");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogFailed(logger, alert.AlertId, ex.GetType().Name);
            return ChannelDelivery.Failed(null, $"outbox not written ({ex.GetType().Name})");
        }
    }

    /// <summary>The alert as a person reads it: in the outbox's .txt file and in the terminal.</summary>
    public static string Render(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var severity = alert.Severity.ToString().ToUpperInvariant();
        var headline = alert.Status == AlertStatus.Resolved
            ? $"[RESOLVED] user sync {alert.Check} ({alert.Environment}), was {severity}"
            : $"[{severity}] user sync {alert.Check} ({alert.Environment})";
        var text = new StringBuilder()
            .AppendLine(headline)
            .AppendLine(CultureInfo.InvariantCulture, $"observed:  {alert.Observed}")
            .AppendLine(CultureInfo.InvariantCulture, $"expected:  {alert.Expected}")
            .AppendLine(CultureInfo.InvariantCulture, $"detected:  {alert.DetectedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"run:       {alert.RunId:D}");
        if (alert.Samples.Count > 0)
        {
            text.AppendLine("samples (masked):");
            foreach (var sample in alert.Samples)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {sample}");
            }
        }

        return text
            .AppendLine(CultureInfo.InvariantCulture, $"runbook:   {alert.RunbookUrl}")
            .AppendLine(CultureInfo.InvariantCulture, $"dedup key: {alert.DedupKey}")
            .ToString();
    }

    /// <summary>The alert id with every character outside [A-Za-z0-9._-] replaced, so it is a file name on any OS.</summary>
    public static string FileNameFor(string alertId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alertId);
        var safe = string.Create(alertId.Length, alertId, static (span, id) =>
        {
            for (var i = 0; i < id.Length; i++)
            {
                var c = id[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && i > 0) ? c : '_';
            }
        });
        return safe;
    }

    // Write beside, then move: a reader of the folder never sees half a file.
    private static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} written to the outbox as {FileName}")]
    private static partial void LogWritten(ILogger logger, string alertId, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} not written to the outbox: {Error}")]
    private static partial void LogFailed(ILogger logger, string alertId, string error);
}
