using System.Globalization;
using System.Text.Json.Nodes;

namespace UserSync.FunctionsHost.App;

/// <summary>
/// The parts of host.json the stand-in plays. Defaults are the Functions host's own when a
/// setting is absent (queue settings: the Storage Queues extension's QueuesOptions).
/// </summary>
public sealed record HostSettings(string RoutePrefix, TimeSpan? FunctionTimeout, QueueSettings Queues)
{
    internal static HostSettings Parse(JsonObject hostJson)
    {
        var extensions = Child(hostJson, "extensions");
        var http = extensions is null ? null : Child(extensions, "http");
        var queues = extensions is null ? null : Child(extensions, "queues");

        var prefix = (http is null ? null : FunctionDescription.Text(http, "routePrefix")) ?? "api";
        return new HostSettings(
            prefix.Trim('/'),
            Duration(hostJson, "functionTimeout"),
            new QueueSettings(
                MaxDequeueCount: Integer(queues, "maxDequeueCount") ?? 5,
                VisibilityTimeout: (queues is null ? null : Duration(queues, "visibilityTimeout")) ?? TimeSpan.Zero,
                Base64: !string.Equals(queues is null ? null : FunctionDescription.Text(queues, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase),
                BatchSize: Integer(queues, "batchSize") ?? 16));
    }

    private static JsonObject? Child(JsonObject node, string name) =>
        node.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;

    private static int? Integer(JsonObject? node, string name)
    {
        var text = node is null ? null : FunctionDescription.Text(node, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FunctionAppException($"host.json: {name} must be a positive integer");
    }

    private static TimeSpan? Duration(JsonObject node, string name)
    {
        var text = FunctionDescription.Text(node, name);
        if (text is null)
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FunctionAppException($"host.json: {name} must be a duration such as 00:01:00");
    }
}
