using System.Text.Json.Nodes;

namespace UserSync.Functions.Envelopes;

/// <summary>
/// The answer to the host: {"Outputs": {...}, "Logs": [...], "ReturnValue": null}, always JSON,
/// never an empty body. Output keys must equal the function.json binding names exactly.
/// </summary>
public static class InvocationResponse
{
    public static IResult Ok(JsonObject outputs, IReadOnlyList<string> logs) => Write(StatusCodes.Status200OK, outputs, logs);

    /// <summary>
    /// Fails the invocation: the host discards outputs and logs and, for a queue trigger, puts the
    /// message back (and into the poison queue after maxDequeueCount). Log through ILogger first.
    /// </summary>
    public static IResult Retry(IReadOnlyList<string> logs) => Write(StatusCodes.Status500InternalServerError, new JsonObject(), logs);

    private static IResult Write(int status, JsonObject outputs, IReadOnlyList<string> logs)
    {
        var body = new JsonObject
        {
            ["Outputs"] = outputs,
            ["Logs"] = new JsonArray(logs.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["ReturnValue"] = null,
        };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }
}
