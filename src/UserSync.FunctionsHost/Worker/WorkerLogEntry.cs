using Microsoft.Extensions.Logging;

namespace UserSync.FunctionsHost.Worker;

/// <summary>One thing the worker said: an RpcLog (with its invocation, category and level) or a line of its output.</summary>
public sealed record WorkerLogEntry(
    DateTimeOffset At,
    WorkerLogSource Source,
    LogLevel Level,
    string Category,
    string Message,
    string? InvocationId,
    string? Exception)
{
    public override string ToString() =>
        Exception is null ? $"[{Source} {Level} {Category}] {Message}" : $"[{Source} {Level} {Category}] {Message} | {Exception}";
}
