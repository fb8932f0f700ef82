using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UserSync.FunctionsHost;

/// <summary>How to run one function app under the stand-in.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The app's build (or publish) output: worker.config.json, functions.metadata, host.json and the app's dll.</summary>
    public required string AppDirectory { get; init; }

    /// <summary>App settings, given to the worker as environment variables (use <c>__</c> for nesting) and used to resolve <c>%Name%</c> in bindings.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Process start to every function loaded. <value>The default value is 60 seconds.</value></summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one invocation may take; host.json functionTimeout when not set, else 10 minutes.</summary>
    public TimeSpan? InvocationTimeout { get; init; }

    /// <summary>
    /// How long a failed queue message stays invisible before its next try; host.json
    /// extensions.queues.visibilityTimeout when not set. Tests and local runs set zero so the
    /// retries (and the move to the poison queue) happen in one dispatch.
    /// </summary>
    public TimeSpan? QueueRetryVisibility { get; init; }

    /// <summary>
    /// The longest wait between tries of a function retry policy ([FixedDelayRetry],
    /// [ExponentialBackoffRetry]); the policy's own delays can be minutes, which no local run
    /// wants. <value>The default value is 2 seconds.</value>
    /// </summary>
    public TimeSpan RetryDelayCap { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>For the stand-in's own log lines (the worker's logs are in <see cref="LocalFunctionsHost.Log"/>).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>--functions-grpc-max-message-length, and the server's limit. <value>The default value is int.MaxValue, as the host sends.</value></summary>
    public int MaxMessageLength { get; init; } = int.MaxValue;
}
