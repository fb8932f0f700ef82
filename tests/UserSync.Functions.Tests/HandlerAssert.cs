using System.Net;
using System.Text.Json;

namespace UserSync.Functions.Tests;

internal static class HandlerAssert
{
    /// <summary>
    /// The custom-handler response envelope: the expected status, Content-Type application/json,
    /// a non-empty body with exactly Outputs, Logs (strings) and ReturnValue (null). Returns the body.
    /// </summary>
    public static async Task<JsonElement> InvocationResponseAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(body), "the handler answered with an empty body");

        var root = Json.Parse(body);
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(["Logs", "Outputs", "ReturnValue"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
        var logs = root.GetProperty("Logs");
        Assert.Equal(JsonValueKind.Array, logs.ValueKind);
        Assert.All(logs.EnumerateArray(), log => Assert.Equal(JsonValueKind.String, log.ValueKind));
        return root;
    }

    public static IReadOnlyList<string> Logs(JsonElement invocationResponse) =>
        invocationResponse.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();

    /// <summary>An RFC 9457 validation problem (400, application/problem+json) whose errors name <paramref name="field"/>.</summary>
    public static async Task ValidationProblemAsync(string field, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = Json.Parse(body);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        var messages = errors.GetProperty(field);
        Assert.NotEqual(0, messages.GetArrayLength());
        Assert.All(messages.EnumerateArray(), m => Assert.Contains(field, m.GetString(), StringComparison.Ordinal));
    }

    /// <summary>A 2xx JSON answer (camelCase API); returns the parsed body.</summary>
    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Json.Parse(body);
    }

    public static IReadOnlyList<string> PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}
