namespace UserSync.FunctionsHost;

/// <summary>A message the stand-in put on a queue for an output binding, as text (before the queue's base64).</summary>
public sealed record QueuedMessage(string Queue, string Body);
