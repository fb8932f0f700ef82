using System.Text.Json;
using UserSync.Core.Alerts;
using UserSync.Functions.Envelopes;

namespace UserSync.Functions.Functions;

/// <summary>
/// Queue trigger on user-sync-alerts. Decodes the (double-encoded) message and hands it to the
/// delivery. A garbled or empty message, or a delivery that did not reach every channel, answers
/// 500 after logging why: the host puts the message back and, after maxDequeueCount tries, moves
/// it to user-sync-alerts-poison. Never a crash, never a silent drop.
/// </summary>
public static partial class AlertDispatcherFunction
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost($"/{FunctionCatalog.AlertDispatcher}", HandleAsync);

    private static async Task<IResult> HandleAsync(HttpRequest request, IAlertDelivery delivery, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(AlertDispatcherFunction).FullName!);
        var invocation = await InvocationRequest.ReadAsync(request, cancellationToken);
        var messageId = invocation?.MetadataString("Id") ?? "(unknown)";
        var dequeueCount = invocation?.MetadataInt("DequeueCount") ?? 1;

        if (invocation is null)
        {
            LogRejected(logger, messageId, dequeueCount, "the invocation body is not a JSON object");
            return InvocationResponse.Retry(["AlertDispatcher: the invocation body is not a JSON object."]);
        }

        if (!TryDecode(invocation.Data(FunctionCatalog.AlertTriggerBinding), out var alert, out var reason))
        {
            LogRejected(logger, messageId, dequeueCount, reason);
            return InvocationResponse.Retry([$"AlertDispatcher: message {messageId} rejected: {reason}."]);
        }

        var result = await delivery.DeliverAsync(alert, dequeueCount, cancellationToken);
        if (!result.Delivered)
        {
            LogNotDelivered(logger, alert.AlertId, dequeueCount, result.Summary);
            return InvocationResponse.Retry([$"AlertDispatcher: {alert.AlertId} not delivered: {result.Summary}."]);
        }

        return InvocationResponse.Ok(new(), [$"AlertDispatcher: {alert.AlertId} ({alert.Check} {alert.Status}) delivered: {result.Summary}."]);
    }

    internal static bool TryDecode(JsonElement data, out AlertMessage alert, out string reason)
    {
        alert = null!;
        if (data.ValueKind != JsonValueKind.Object)
        {
            reason = data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? "the message is empty"
                : $"the message is not a JSON object ({data.ValueKind})";
            return false;
        }

        try
        {
            alert = data.Deserialize<AlertMessage>(AlertJson.Options)!;
        }
        catch (JsonException)
        {
            reason = "the message is not an alert (missing or malformed fields)";
            return false;
        }

        if (alert.SchemaVersion != AlertMessage.CurrentSchemaVersion)
        {
            reason = $"unsupported schemaVersion {alert.SchemaVersion}";
            return false;
        }

        reason = "";
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "AlertDispatcher rejected message {MessageId} (try {DequeueCount}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string messageId, int dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "AlertDispatcher could not deliver {AlertId} (try {DequeueCount}): {Summary}")]
    private static partial void LogNotDelivered(ILogger logger, string alertId, int dequeueCount, string summary);
}
