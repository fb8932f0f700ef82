using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.App;
using UserSync.FunctionsHost.Http;
using UserSync.FunctionsHost.Rpc;
using UserSync.FunctionsHost.Triggers;
using UserSync.FunctionsHost.Worker;

namespace UserSync.FunctionsHost;

/// <summary>
/// A stand-in for the Azure Functions host, for tests and local runs where Core Tools cannot be
/// installed: it starts the real worker process of a built dotnet-isolated app and drives it
/// over the real gRPC protocol (start stream, init, metadata, load, invocations, terminate).
/// Triggers are fired on request; it plays the queue trigger and queue outputs against a real
/// storage queue (Azurite) and proxies HTTP to the worker's ASP.NET Core integration. It knows
/// an app only through its functions.metadata, host.json and worker.config.json.
/// Not played: schedules, queue polling and scale, function keys, the host's own HTTP features.
/// </summary>
public sealed partial class LocalFunctionsHost : IAsyncDisposable
{
    public const string HostVersion = "4.0.0-usersync-standin";

    private static readonly ActivitySource Activities = new("UserSync.FunctionsHost");

    private readonly RpcServer _server;
    private readonly WorkerChannel _channel;
    private readonly WorkerProcess _process;
    private readonly LocalHostOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, LoadedFunction> _functions;
    private readonly ConcurrentQueue<InvocationResult> _invocations = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private int _disposed;

    private LocalFunctionsHost(LocalHostOptions options, FunctionApp app, RpcServer server, WorkerChannel channel, WorkerProcess process, WorkerLog log,
        IReadOnlyDictionary<string, string> capabilities, IEnumerable<LoadedFunction> functions, StartupTimings startup)
    {
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<LocalFunctionsHost>();
        App = app;
        _server = server;
        _channel = channel;
        _process = process;
        Log = log;
        WorkerCapabilities = capabilities;
        _functions = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        Startup = startup;
        Settings = new AppSettings(options.Settings);
        InvocationTimeout = options.InvocationTimeout ?? app.Host.FunctionTimeout ?? TimeSpan.FromMinutes(10);
        Queues = new QueueDispatcher(this);
        Timers = new TimerTrigger(this);
    }

    public FunctionApp App { get; }

    /// <summary>What the worker said and printed, from its first line on.</summary>
    public WorkerLog Log { get; }

    /// <summary>The capabilities of the worker's WorkerInitResponse (HttpUri among them for the ASP.NET Core integration).</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; }

    public StartupTimings Startup { get; }

    /// <summary>The worker's process id, for whoever must be sure it is gone.</summary>
    public int WorkerProcessId => _process.Id;

    public IReadOnlyCollection<LoadedFunction> Functions => _functions.Values;

    /// <summary>Every invocation so far, oldest first.</summary>
    public IReadOnlyList<InvocationResult> Invocations => _invocations.ToArray();

    /// <summary>The queue trigger and queue outputs, against the storage named by each binding's connection setting.</summary>
    public QueueDispatcher Queues { get; }

    public TimerTrigger Timers { get; }

    internal AppSettings Settings { get; }

    internal TimeSpan InvocationTimeout { get; }

    internal LocalHostOptions Options => _options;

    internal ILogger Logger => _logger;

    /// <summary>Raised after each invocation has been answered and its outputs written.</summary>
    public event Action<InvocationResult>? Invoked;

    public LoadedFunction Function(string name) =>
        _functions.TryGetValue(name, out var function) ? function : throw new ArgumentException($"no function named {name} was loaded", nameof(name));

    /// <summary>Starts the worker and runs the start protocol; every function of functions.metadata is loaded or this throws.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(LocalHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var app = FunctionApp.Load(options.AppDirectory);
        if (!app.WorkerIndexing)
        {
            throw new FunctionAppException("worker.config.json does not turn on workerIndexing; the stand-in only plays worker-indexed (dotnet-isolated) apps");
        }

        ResolveBindingSettings(app, new AppSettings(options.Settings));
        var logger = options.LoggerFactory.CreateLogger<LocalFunctionsHost>();
        var log = new WorkerLog(options.Time);
        var server = await RpcServer.StartAsync(options.MaxMessageLength, cancellationToken);
        var workerId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, log.Add);
        server.Workers.Add(channel);
        WorkerProcess? process = null;
        try
        {
            var environment = options.Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
            process = WorkerProcess.Start(app, server.Uri, workerId, options.MaxMessageLength, environment, options.Time, log.AddOutput);
            LogWorkerStarted(logger, process.Id, app.WorkerAssembly, server.Uri.Port);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartTimeout);

            var opened = await Task.WhenAny(channel.Connected, process.Exited).WaitAsync(deadline.Token);
            if (opened != channel.Connected)
            {
                throw new FunctionAppException($"the worker exited before it opened its stream{Tail(log)}");
            }

            var streamOpened = options.Time.GetUtcNow() - process.StartedAt;
            var init = await channel.InitAsync(new WorkerInitRequest
            {
                HostVersion = HostVersion,
                WorkerDirectory = app.Directory,
                FunctionAppDirectory = app.Directory,
            }, options.StartTimeout, deadline.Token);
            Require(init.Result, "WorkerInitRequest");
            var initialized = options.Time.GetUtcNow() - process.StartedAt;

            var metadata = await channel.MetadataAsync(new FunctionsMetadataRequest { FunctionAppDirectory = app.Directory }, options.StartTimeout, deadline.Token);
            Require(metadata.Result, "FunctionsMetadataRequest");
            var functions = Match(app, metadata);

            var loads = functions.Select(async f =>
            {
                var load = await channel.LoadAsync(new FunctionLoadRequest { FunctionId = f.Metadata.FunctionId, Metadata = f.Metadata }, options.StartTimeout, deadline.Token);
                Require(load.Result, $"FunctionLoadRequest for {f.Description.Name}");
                return new LoadedFunction(f.Description, f.Metadata.FunctionId, f.Metadata.RetryOptions);
            });
            var loaded = await Task.WhenAll(loads);
            var timings = new StartupTimings(process.StartedAt, streamOpened, initialized, options.Time.GetUtcNow() - process.StartedAt);
            LogLoaded(logger, loaded.Length, (long)timings.FunctionsLoaded.TotalMilliseconds);
            return new LocalFunctionsHost(options, app, server, channel, process, log, init.Capabilities, loaded, timings);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync(server, channel, process);
            throw new FunctionAppException($"the worker did not start within {options.StartTimeout}{Tail(log)}", ex);
        }
        catch
        {
            await StopAsync(server, channel, process);
            throw;
        }
    }

    /// <summary>
    /// Invokes a function once with the given trigger input and metadata, then writes its queue
    /// outputs. Triggers build these for their kind (<see cref="Timers"/>, <see cref="Queues"/>,
    /// the HTTP front); tests may call it directly to send what a host would.
    /// </summary>
    public Task<InvocationResult> InvokeAsync(string function, IEnumerable<ParameterBinding> inputs, IReadOnlyDictionary<string, TypedData>? triggerMetadata,
        CancellationToken cancellationToken) =>
        InvokeAsync(Function(function), inputs, triggerMetadata, retry: null, invocationId: null, beforeSend: null, cancellationToken);

    internal async Task<InvocationResult> InvokeAsync(LoadedFunction function, IEnumerable<ParameterBinding> inputs, IReadOnlyDictionary<string, TypedData>? triggerMetadata,
        RetryContext? retry, string? invocationId, Func<string, Activity, Task>? beforeSend, CancellationToken cancellationToken, ActivityContext parent = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        invocationId ??= Guid.NewGuid().ToString();
        using var activity = StartActivity(function, parent);
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = activity.Id ?? "", TraceState = activity.TraceStateString ?? "" },
            RetryContext = retry,
        };
        request.InputData.AddRange(inputs);
        foreach (var (name, value) in triggerMetadata ?? new Dictionary<string, TypedData>())
        {
            request.TriggerMetadata[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var logMark = Log.Mark;
        Task forwarding = beforeSend is null ? Task.CompletedTask : beforeSend(invocationId, activity);
        InvocationResponse response;
        try
        {
            response = await _channel.InvokeAsync(request, InvocationTimeout, cancellationToken);
        }
        finally
        {
            await forwarding;
        }

        var succeeded = response.Result?.Status == StatusResult.Types.Status.Success;
        var enqueued = succeeded ? await Queues.WriteOutputsAsync(function, response, cancellationToken) : [];
        var result = new InvocationResult(
            function.Name,
            invocationId,
            succeeded,
            succeeded ? null : response.Result?.Exception?.Message ?? $"the worker answered {response.Result?.Status}",
            response.OutputData.Where(o => o.Data is not null).GroupBy(o => o.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Data, StringComparer.OrdinalIgnoreCase),
            response.ReturnValue,
            Log.ForInvocation(invocationId, logMark),
            enqueued,
            retry?.RetryCount ?? 0,
            Stopwatch.GetElapsedTime(started));
        if (!succeeded)
        {
            LogInvocationFailed(_logger, function.Name, invocationId);
        }

        _invocations.Enqueue(result);
        while (_invocations.Count > 1000 && _invocations.TryDequeue(out _))
        {
            // Keep a long local run's memory bounded.
        }

        Invoked?.Invoke(result);
        return result;
    }

    /// <summary>Serves the app's HTTP functions on 127.0.0.1:<paramref name="port"/> (0: a free port) until this host is disposed. Function keys are not checked.</summary>
    public async Task<HttpFront> StartHttpFrontAsync(int port, CancellationToken cancellationToken)
    {
        var front = await HttpFront.StartAsync(this, port, cancellationToken);
        _owned.Add(front);
        return front;
    }

    /// <summary>WorkerTerminate, a few seconds to exit, then the worker is killed by its pid; the gRPC server stops last.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await StopAsync(_server, _channel, _process);
        LogWorkerStopped(_logger, _process.Id, _process.ExitCode);
    }

    private static async Task StopAsync(RpcServer server, WorkerChannel channel, WorkerProcess? process)
    {
        try
        {
            if (process is not null)
            {
                channel.Terminate(TimeSpan.FromSeconds(5));
                await process.StopAsync(TimeSpan.FromSeconds(10));
                await process.DisposeAsync();
            }
        }
        finally
        {
            channel.Close();
            server.Workers.Remove(channel.WorkerId);
            await server.DisposeAsync();
        }
    }

    private static Activity StartActivity(LoadedFunction function, ActivityContext parent)
    {
        // The host starts its invocation span and sends it as trace_context; the worker continues it.
        var activity = Activities.StartActivity($"Invoke {function.Name}", ActivityKind.Internal, parent)
                       ?? new Activity($"Invoke {function.Name}");
        if (activity.Id is null)
        {
            activity.SetIdFormat(ActivityIdFormat.W3C);
            if (parent != default)
            {
                activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            }

            activity.Start();
        }

        return activity;
    }

    /// <summary>
    /// The host resolves %Setting% in binding properties when it indexes the functions and will
    /// not run a function whose setting is missing; so the stand-in checks them all before it
    /// starts the worker.
    /// </summary>
    private static void ResolveBindingSettings(FunctionApp app, AppSettings settings)
    {
        foreach (var function in app.Functions)
        {
            foreach (var binding in function.Bindings)
            {
                foreach (var property in new[] { "schedule", "queueName" })
                {
                    if (binding.Property(property) is { } value)
                    {
                        settings.Resolve(value, $"{function.Name}: the {property} of binding {binding.Name}");
                    }
                }
            }
        }
    }

    private static List<(FunctionDescription Description, RpcFunctionMetadata Metadata)> Match(FunctionApp app, FunctionMetadataResponse metadata)
    {
        var indexed = metadata.FunctionMetadataResults.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
        var missing = app.Functions.Where(f => !indexed.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        var extra = indexed.Keys.Where(name => app.Functions.All(f => !string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new FunctionAppException(
                $"the worker's own index does not match functions.metadata (missing: {string.Join(", ", missing)}; not in functions.metadata: {string.Join(", ", extra)})");
        }

        return app.Functions.Select(f => (f, indexed[f.Name])).ToList();
    }

    private static void Require(StatusResult? result, string step)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw new FunctionAppException($"the worker answered {step} with {result?.Status.ToString() ?? "no result"}: {result?.Exception?.Message}");
        }
    }

    private static string Tail(WorkerLog log)
    {
        var lines = log.Entries.TakeLast(15).Select(e => e.ToString()).ToList();
        return lines.Count == 0 ? "" : Environment.NewLine + "last worker output:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "worker process {Pid} started ({Assembly}), host gRPC on 127.0.0.1:{Port}")]
    private static partial void LogWorkerStarted(ILogger logger, int pid, string assembly, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} function(s) loaded, {Milliseconds} ms after the worker started")]
    private static partial void LogLoaded(ILogger logger, int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} invocation {InvocationId} failed")]
    private static partial void LogInvocationFailed(ILogger logger, string function, string invocationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "worker process {Pid} stopped (exit code {ExitCode})")]
    private static partial void LogWorkerStopped(ILogger logger, int pid, int? exitCode);
}
