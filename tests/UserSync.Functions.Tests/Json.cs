using System.Text.Json;

namespace UserSync.Functions.Tests;

internal static class Json
{
    public static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => Parse(await response.Content.ReadAsStringAsync());
}
