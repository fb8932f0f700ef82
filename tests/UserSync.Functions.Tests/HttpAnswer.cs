using System.Text.Json;

namespace UserSync.Functions.Tests;

/// <summary>What an executed IResult wrote: status, content type, body and headers.</summary>
internal sealed record HttpAnswer(int StatusCode, string? ContentType, string Body)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public JsonElement Json => Tests.Json.Parse(Body);

    public string? MediaType => ContentType?.Split(';')[0].Trim();
}
