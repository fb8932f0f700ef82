namespace UserSync.FunctionsHost.App;

/// <summary>host.json extensions.queues.</summary>
/// <param name="MaxDequeueCount">Tries before a message moves to the "-poison" queue.</param>
/// <param name="VisibilityTimeout">How long a failed message stays invisible before its next try.</param>
/// <param name="Base64">messageEncoding: base64 (the default) or none.</param>
/// <param name="BatchSize">How many messages the host takes at once (the stand-in takes one at a time).</param>
public sealed record QueueSettings(int MaxDequeueCount, TimeSpan VisibilityTimeout, bool Base64, int BatchSize);
