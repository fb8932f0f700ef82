namespace UserSync.Alerts;

/// <summary>How a channel logs the outcome of one HTTP send (its own source-generated log methods).</summary>
internal sealed record ChannelOutcomeLog(Action<int> Delivered, Action<int> Rejected, Action<string> Unreachable);
