using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace UserSync.Functions.Http;

/// <summary>
/// Binds a JSON request body to a record, strictly: unknown or duplicate members, numbers in
/// strings, nulls for non-nullable members and text that is not valid Unicode are all a 400 that
/// names the member. An absent body is the record's defaults.
/// </summary>
public static partial class RequestBody
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
    };

    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (new T(), null);
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict, cancellationToken);
            return value is null ? (null, Problems.Invalid("body", $"must be a JSON object such as {example}")) : (value, null);
        }
        catch (JsonException ex)
        {
            if (ex.Path is not { } path || MemberPattern().Match(path) is not { Success: true } match)
            {
                return (null, Problems.Invalid("body", $"must be a JSON object such as {example}"));
            }

            var member = match.Groups[1].Value;
            var known = Strict.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToList();
            return (null, known.Contains(member, StringComparer.Ordinal)
                ? Problems.Invalid(member, $"has the wrong type or value (see {example})")
                : Problems.Invalid(member, $"is not a known field ({string.Join(", ", known)})"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            // A lone UTF-16 surrogate (\ud800) or bytes that are not UTF-8 cannot be transcoded.
            return (null, Problems.Invalid("body", "must be valid UTF-8 JSON text"));
        }
    }

    [GeneratedRegex(@"^\$\.([A-Za-z][A-Za-z0-9]*)$")]
    private static partial Regex MemberPattern();
}
