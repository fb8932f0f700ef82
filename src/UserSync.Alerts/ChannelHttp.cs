using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace UserSync.Alerts;

/// <summary>
/// The one way channels get an HttpClient: Microsoft.Extensions.Http.Resilience retries transient
/// failures (408, 429, 5xx, timeouts, connection errors) with jittered exponential backoff and
/// honours Retry-After; permanent answers (400, 401, 403, 404) come back at once.
/// </summary>
public static class ChannelHttp
{
    public static IHttpClientBuilder AddChannelHttpClient(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ChannelHttpOptions>().BindConfiguration(ChannelHttpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var builder = services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler($"{name}-resilience", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ChannelHttpOptions>>().Value;
            pipeline
                .AddTimeout(options.TotalTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                    ShouldHandle = options.MaxRetries == 0
                        ? _ => PredicateResult.False()
                        : args => ValueTask.FromResult(IsTransient(args.Outcome)),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.BaseDelay,
                    ShouldRetryAfterHeader = true,
                })
                .AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    /// <summary>
    /// POSTs a JSON body and turns the outcome into a ChannelDelivery whose detail names only the
    /// channel and the status or the kind of error: exception messages and response bodies can
    /// name the host, quote the event or echo a secret path, so neither is passed on.
    /// </summary>
    internal static async Task<ChannelDelivery> PostJsonAsync(HttpClient client, Uri uri, string json, string channel,
        ChannelOutcomeLog log, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        try
        {
            using var response = await client.PostAsync(uri, content, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                log.Delivered(status);
                return ChannelDelivery.Ok(status);
            }

            log.Rejected(status);
            return ChannelDelivery.Failed(status, $"{channel} answered {status}");
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            log.Unreachable(ex.HttpRequestError.ToString());
            return ChannelDelivery.Failed(null, $"{channel} unreachable ({ex.HttpRequestError})");
        }
        catch (Exception ex) when (ex is Polly.Timeout.TimeoutRejectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.Unreachable("timeout");
            return ChannelDelivery.Failed(null, $"{channel} timed out");
        }
    }

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                                    || (int)response.StatusCode >= 500,
        _ => false,
    };
}
