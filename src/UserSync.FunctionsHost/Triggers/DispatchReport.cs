namespace UserSync.FunctionsHost.Triggers;

/// <summary>What one dispatch did: invocations that succeeded or failed, and messages moved to the poison queue.</summary>
public sealed record DispatchReport(int Succeeded, int Failed, int Poisoned, IReadOnlyList<InvocationResult> Invocations);
