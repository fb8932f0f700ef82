using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.Rpc;

namespace UserSync.FunctionsHost.Worker;

/// <summary>Everything the worker logged or printed, in arrival order, for tests and the local runner to read.</summary>
public sealed class WorkerLog
{
    private readonly ConcurrentQueue<WorkerLogEntry> _entries = new();
    private readonly TimeProvider _time;

    internal WorkerLog(TimeProvider time) => _time = time;

    /// <summary>Raised for each entry as it arrives (on the thread that received it).</summary>
    public event Action<WorkerLogEntry>? Written;

    public IReadOnlyList<WorkerLogEntry> Entries => _entries.ToArray();

    public IReadOnlyList<WorkerLogEntry> ForInvocation(string invocationId) =>
        _entries.Where(e => e.InvocationId == invocationId).ToArray();

    internal void Add(RpcLog log) => Add(new WorkerLogEntry(_time.GetUtcNow(), WorkerLogSource.Rpc, Level(log.Level), log.Category, log.Message,
        string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
        log.Exception is null ? null : log.Exception.Message));

    internal void AddOutput(string line, bool error) => Add(new WorkerLogEntry(_time.GetUtcNow(), error ? WorkerLogSource.Stderr : WorkerLogSource.Stdout,
        error ? LogLevel.Error : LogLevel.Information, "worker", line, null, null));

    private void Add(WorkerLogEntry entry)
    {
        _entries.Enqueue(entry);
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
