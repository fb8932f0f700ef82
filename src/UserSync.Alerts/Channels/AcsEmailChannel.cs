using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Email through Azure Communication Services' REST API (POST {endpoint}/emails:send, then GET the
/// Operation-Location until Succeeded or Failed). Written by hand because the
/// Azure.Communication.Email package is not available here; it uses only the two documented calls
/// and the shared resilient HttpClient, so retries on 429/5xx/timeouts and Retry-After behave like
/// every other channel's.
/// </summary>
public sealed partial class AcsEmailChannel : IAlertChannel, IEmailContentSender
{
    public const string HttpClientName = "email-acs";
    internal const string ApiVersion = "2023-03-31";
    internal const string Scope = "https://communication.azure.com/.default";
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMinutes(1);

    private readonly HttpClient http;
    private readonly AcsEmailOptions options;
    private readonly TokenCredential? credential;
    private readonly byte[]? accessKey;
    private readonly TimeProvider time;
    private readonly ILogger<AcsEmailChannel> logger;

    /// <param name="credential">Used when no access key is configured.</param>
    public AcsEmailChannel(HttpClient http, IOptions<AcsEmailOptions> options, TokenCredential? credential, TimeProvider time,
        ILogger<AcsEmailChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        if (!string.IsNullOrEmpty(this.options.AccessKey))
        {
            accessKey = Convert.FromBase64String(this.options.AccessKey);
        }
        else
        {
            this.credential = credential ?? throw new ArgumentNullException(nameof(credential), "a TokenCredential is needed without an access key");
        }
    }

    public string Name => "email";

    public Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return SendContentAsync(EmailContent.Render(alert), alert.AlertId, cancellationToken);
    }

    public async Task<ChannelDelivery> SendContentAsync(EmailContent content, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var body = JsonSerializer.SerializeToUtf8Bytes(new SendRequest(
            options.SenderAddress!,
            new SendContent(content.Subject, content.PlainText, content.Html),
            new SendRecipients([.. options.Recipients.Select(r => new SendAddress(r))])));
        var endpoint = options.Endpoint!;
        // Built as a string: "emails:send" as a relative Uri would parse as the scheme "emails".
        var sendUri = new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/emails:send?api-version={ApiVersion}");
        try
        {
            using var request = await CreateRequestAsync(HttpMethod.Post, sendUri, body, cancellationToken);
            // One id for this send, so the service can recognise a POST the handler had to retry.
            request.Headers.Add("Operation-Id", Guid.NewGuid().ToString());
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                var code = await ErrorCodeAsync(response, cancellationToken);
                return Failed(reference, (int)response.StatusCode, $"ACS email send answered {(int)response.StatusCode}{code}");
            }

            var location = response.Headers.TryGetValues("Operation-Location", out var values) ? values.FirstOrDefault() : null;
            if (location is null || !Uri.TryCreate(sendUri, location, out var operationUri))
            {
                return Delivered(reference, 202, "ACS email accepted; no Operation-Location to follow");
            }

            if (!string.Equals(operationUri.GetLeftPart(UriPartial.Authority), endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                // Credentials go to the configured endpoint only, never to a host a response names.
                return Delivered(reference, 202, "ACS email accepted; Operation-Location on another host not followed");
            }

            return await FollowAsync(reference, operationUri, RetryAfter(response), cancellationToken);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            return Failed(reference, null, $"ACS email request failed: {ex.GetType().Name}");
        }
        catch (AuthenticationFailedException ex)
        {
            return Failed(reference, null, $"ACS email could not get a Microsoft Entra token: {ex.GetType().Name}");
        }
    }

    private async Task<ChannelDelivery> FollowAsync(string reference, Uri operationUri, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var status = "NotStarted";
        for (var poll = 1; poll <= options.MaxPolls; poll++)
        {
            await Task.Delay(Clamp(retryAfter ?? options.PollInterval), time, cancellationToken);
            using var request = await CreateRequestAsync(HttpMethod.Get, operationUri, null, cancellationToken);
            using var response = await http.SendAsync(request, cancellationToken);
            var statusCode = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var code = await ErrorCodeAsync(response, cancellationToken);
                return Failed(reference, statusCode, $"ACS email status check answered {statusCode}{code}");
            }

            OperationStatus? operation;
            try
            {
                operation = await response.Content.ReadFromJsonAsync<OperationStatus>(cancellationToken);
            }
            catch (JsonException)
            {
                return Failed(reference, statusCode, "ACS email status check answered with unreadable JSON");
            }

            status = Token(operation?.Status) ?? "unknown";
            switch (status)
            {
                case "Succeeded":
                    return Delivered(reference, statusCode, "ACS email sent");
                case "Failed":
                case "Canceled":
                    var code = Token(operation?.Error?.Code) is { } c ? $" ({c})" : "";
                    return Failed(reference, statusCode, $"ACS email operation {status}{code}");
            }

            retryAfter = RetryAfter(response);
        }

        return Failed(reference, 202, $"ACS email operation still {status} after {options.MaxPolls} status checks");
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(HttpMethod method, Uri uri, byte[]? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (accessKey is not null)
        {
            Sign(request, body ?? [], accessKey, time.GetUtcNow());
        }
        else
        {
            var token = await credential!.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        return request;
    }

    /// <summary>
    /// The access-key scheme of Communication Services: HMAC-SHA256 over
    /// "VERB\npath-and-query\nx-ms-date;host;x-ms-content-sha256" with the base64-decoded key.
    /// </summary>
    internal static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, byte[] key, DateTimeOffset now)
    {
        var uri = request.RequestUri!;
        var date = now.ToString("r", CultureInfo.InvariantCulture);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        // Authority is the host plus the port when it is not the scheme's default: what the Host header carries.
        var stringToSign = $"{request.Method.Method}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("x-ms-content-sha256", contentHash);
        request.Headers.TryAddWithoutValidation("Authorization", $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}");
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxPollDelay ? MaxPollDelay : delay;

    /// <summary>The service's error code only: its message may quote an address.</summary>
    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<ErrorResponse>(cancellationToken);
            return Token(error?.Error?.Code) is { } code ? $" ({code})" : "";
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>A short identifier-like value or nothing, so no free text from a response lands in a result.</summary>
    private static string? Token(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? value : null;

    internal static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or TimeoutRejectedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private ChannelDelivery Delivered(string reference, int statusCode, string detail)
    {
        LogDelivered(logger, reference, statusCode);
        return ChannelDelivery.Ok(statusCode, detail);
    }

    private ChannelDelivery Failed(string reference, int? statusCode, string detail)
    {
        LogFailed(logger, reference, statusCode, detail);
        return ChannelDelivery.Failed(statusCode, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel email (acs) delivered {Reference} (status {StatusCode})")]
    private static partial void LogDelivered(ILogger logger, string reference, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel email (acs) failed {Reference} (status {StatusCode}): {Detail}")]
    private static partial void LogFailed(ILogger logger, string reference, int? statusCode, string detail);

    private sealed record SendRequest(
        [property: JsonPropertyName("senderAddress")] string SenderAddress,
        [property: JsonPropertyName("content")] SendContent Content,
        [property: JsonPropertyName("recipients")] SendRecipients Recipients);

    private sealed record SendContent(
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("plainText")] string PlainText,
        [property: JsonPropertyName("html")] string Html);

    private sealed record SendRecipients([property: JsonPropertyName("to")] IReadOnlyList<SendAddress> To);

    private sealed record SendAddress([property: JsonPropertyName("address")] string Address);

    private sealed record OperationStatus(string? Id, string? Status, ErrorDetail? Error);

    private sealed record ErrorResponse(ErrorDetail? Error);

    private sealed record ErrorDetail(string? Code, string? Message);
}
