using System.Text.Json;
using System.Text.Json.Nodes;

namespace UserSync.Functions.Tests;

/// <summary>Request bodies exactly as the Functions host POSTs them to a custom handler.</summary>
internal static class HostEnvelopes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    public static JsonObject ScheduleStatus => new()
    {
        ["Last"] = Now.AddDays(-1).ToString("O"),
        ["Next"] = Now.AddDays(1).ToString("O"),
        ["LastUpdated"] = Now.AddDays(-1).ToString("O"),
    };

    /// <summary>Timer data: {Schedule, ScheduleStatus (may be null), IsPastDue}.</summary>
    public static JsonObject TimerData(JsonNode? scheduleStatus, bool isPastDue) => new()
    {
        ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
        [nameof(ScheduleStatus)] = scheduleStatus,
        ["IsPastDue"] = isPastDue,
    };

    public static string Timer(JsonNode timerData) => new JsonObject
    {
        ["Data"] = new JsonObject { ["timer"] = timerData },
        ["Metadata"] = new JsonObject
        {
            ["timer"] = timerData.DeepClone(),
            ["sys"] = Sys("DailyCheck"),
        },
    }.ToJsonString();

    public static string Timer(bool isPastDue = false) => Timer(TimerData(ScheduleStatus, isPastDue));

    /// <summary>
    /// A queue-triggered invocation. <paramref name="alertData"/> is the value of Data.alert as the
    /// host writes it (for a real message: a JSON string whose content is the JSON-encoded message text).
    /// Metadata strings are JSON-encoded a second time and numbers arrive as strings.
    /// </summary>
    public static string Queue(JsonNode? alertData, string dequeueCount = "1", Guid? messageId = null, bool withData = true)
    {
        var id = messageId ?? Guid.NewGuid();
        var envelope = new JsonObject
        {
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = dequeueCount,
                ["ExpirationTime"] = JsonSerializer.Serialize(Now.AddDays(7).ToString("O")),
                ["Id"] = JsonSerializer.Serialize(id.ToString()),
                ["InsertionTime"] = JsonSerializer.Serialize(Now.ToString("O")),
                ["NextVisibleTime"] = JsonSerializer.Serialize(Now.AddMinutes(1).ToString("O")),
                ["PopReceipt"] = JsonSerializer.Serialize("AgAAAAMAAAAAAAAAzVZ0Ma8/2wE="),
                ["sys"] = Sys("AlertDispatcher"),
            },
        };
        if (withData)
        {
            envelope["Data"] = new JsonObject { ["alert"] = alertData };
        }

        return envelope.ToJsonString();
    }

    /// <summary>The message text as a queue trigger delivers it: JSON-encoded once more (double-encoded).</summary>
    public static JsonNode DoubleEncoded(string messageText) => JsonValue.Create(JsonSerializer.Serialize(messageText))!;

    private static JsonObject Sys(string method) => new()
    {
        ["MethodName"] = method,
        ["UtcNow"] = Now.ToString("O"),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
