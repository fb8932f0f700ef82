using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// ETag / If-None-Match for the view/* GETs: a weak tag from what identifies the answer (the
/// change mark of the recorded data, or the body itself); a matching If-None-Match is a 304 with
/// no body. Cache-Control "private, no-cache": browsers keep the answer but ask every poll.
/// </summary>
public static class ETags
{
    /// <summary>W/"…": the first 128 bits of SHA-256 over the parts.</summary>
    public static string For(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return $"W/\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"";
    }

    /// <summary>The tag of a body: its bytes.</summary>
    public static string ForBody(ReadOnlySpan<byte> body) =>
        $"W/\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"";

    /// <summary>Whether If-None-Match names <paramref name="etag"/> (weak comparison) or is "*".</summary>
    public static bool Matches(HttpRequest request, string etag)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags))
        {
            return false;
        }

        var ours = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(ours, useStrongComparison: false));
    }

    /// <summary>304 when the client has <paramref name="etag"/>, else <paramref name="answer"/>'s result; both carry the tag.</summary>
    public static async Task<IResult> AnswerAsync(HttpRequest request, string etag, Func<Task<IResult>> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return Matches(request, etag) ? new Tagged(TypedResults.StatusCode(StatusCodes.Status304NotModified), etag) : new Tagged(await answer(), etag);
    }

    /// <summary>A result with the ETag and Cache-Control headers; a problem (4xx) gets no tag.</summary>
    public sealed class Tagged(IResult inner, string etag) : IResult
    {
        public IResult Inner => inner;

        public string ETag => etag;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            if (inner is not IStatusCodeHttpResult { StatusCode: >= 400 })
            {
                httpContext.Response.Headers.ETag = etag;
                httpContext.Response.Headers.CacheControl = "private, no-cache";
            }

            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>The minute <paramref name="now"/> is in, for answers that age with the clock (stale flags, next runs, the month so far).</summary>
    public static string Minute(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
