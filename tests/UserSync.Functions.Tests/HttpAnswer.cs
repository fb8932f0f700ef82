using System.Text.Json;

namespace UserSync.Functions.Tests;

/// <summary>What an executed IResult wrote: status, content type and body.</summary>
internal sealed record HttpAnswer(int StatusCode, string? ContentType, string Body)
{
    public JsonElement Json => Tests.Json.Parse(Body);

    public string? MediaType => ContentType?.Split(';')[0].Trim();
}
