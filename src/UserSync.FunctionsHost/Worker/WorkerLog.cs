using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.Rpc;

namespace UserSync.FunctionsHost.Worker;

/// <summary>Everything the worker logged or printed, in arrival order, for tests and the local runner to read.</summary>
public sealed class WorkerLog
{
    private readonly ConcurrentQueue<(long Sequence, WorkerLogEntry Entry)> _entries = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _sequence;

    internal WorkerLog(TimeProvider time) => _time = time;

    /// <summary>Raised for each entry as it arrives (on the thread that received it).</summary>
    public event Action<WorkerLogEntry>? Written;

    public IReadOnlyList<WorkerLogEntry> Entries => _entries.Select(e => e.Entry).ToArray();

    /// <summary>The position of the latest entry: what arrives later has a higher one.</summary>
    internal long Mark => Interlocked.Read(ref _sequence);

    /// <summary>
    /// The RpcLogs of one invocation: those carrying its id, and those carrying no id that arrived
    /// after <paramref name="from"/> (a <see cref="Mark"/> taken when it was sent). The worker
    /// writes an invocation's logs before its answer on the same stream, so with one invocation at
    /// a time that is exactly its logs; it has to be done this way because with OpenTelemetry on
    /// (UseFunctionsWorkerDefaults) the worker sends its logs without an invocation id. While
    /// invocations overlap, such a log may belong to another of them.
    /// </summary>
    internal IReadOnlyList<WorkerLogEntry> ForInvocation(string invocationId, long from) =>
        _entries.Where(e => e.Entry.Source == WorkerLogSource.Rpc
                            && (e.Entry.InvocationId == invocationId || e.Entry.InvocationId is null && e.Sequence > from))
            .Select(e => e.Entry)
            .ToArray();

    internal void Add(RpcLog log) => Add(new WorkerLogEntry(_time.GetUtcNow(), WorkerLogSource.Rpc, Level(log.Level), log.Category, log.Message,
        string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
        log.Exception is null ? null : log.Exception.Message));

    internal void AddOutput(string line, bool error) => Add(new WorkerLogEntry(_time.GetUtcNow(), error ? WorkerLogSource.Stderr : WorkerLogSource.Stdout,
        error ? LogLevel.Error : LogLevel.Information, "worker", line, null, null));

    private void Add(WorkerLogEntry entry)
    {
        lock (_gate)
        {
            // One lock so that sequence order is queue order.
            _entries.Enqueue((Interlocked.Increment(ref _sequence), entry));
        }

        Written?.Invoke(entry);
    }

    private static LogLevel Level(RpcLog.Types.Level level) => level switch
    {
        RpcLog.Types.Level.Trace => LogLevel.Trace,
        RpcLog.Types.Level.Debug => LogLevel.Debug,
        RpcLog.Types.Level.Information => LogLevel.Information,
        RpcLog.Types.Level.Warning => LogLevel.Warning,
        RpcLog.Types.Level.Error => LogLevel.Error,
        RpcLog.Types.Level.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };
}
