using Microsoft.Azure.Functions.Worker;

namespace UserSync.Functions.Functions;

/// <summary>AlertDispatcher's output: the body of a message that can never be delivered, copied to the poison queue as it came.</summary>
public sealed class PoisonOutput
{
    public static PoisonOutput None { get; } = new();

    /// <summary>Null when the message was delivered: the worker then sends no output.</summary>
    [QueueOutput(QueueNames.AlertsPoison)]
    public string? Poison { get; init; }
}
