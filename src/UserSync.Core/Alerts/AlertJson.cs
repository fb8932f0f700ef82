using System.Text.Json;
using System.Text.Json.Serialization;

namespace UserSync.Core.Alerts;

/// <summary>The one JSON shape of alerts and results: camelCase, enums as lower-case strings.</summary>
public static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = false,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static AlertMessage Deserialize(string json) =>
        JsonSerializer.Deserialize<AlertMessage>(json, Options)
        ?? throw new JsonException("alert message is null");
}
