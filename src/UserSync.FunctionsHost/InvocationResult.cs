using UserSync.FunctionsHost.Rpc;
using UserSync.FunctionsHost.Worker;

namespace UserSync.FunctionsHost;

/// <summary>
/// One invocation as the host saw it: the worker's answer, what it logged while it ran, and the
/// queue messages the stand-in wrote for its output bindings.
/// </summary>
public sealed record InvocationResult(
    string Function,
    string InvocationId,
    bool Succeeded,
    string? Error,
    IReadOnlyDictionary<string, TypedData> Outputs,
    TypedData? ReturnValue,
    IReadOnlyList<WorkerLogEntry> Logs,
    IReadOnlyList<QueuedMessage> Enqueued,
    int Attempt,
    TimeSpan Duration);
