namespace UserSync.Core.Checks;

/// <summary>A check failing in the newest run: since when it has failed without a pass in between, and in how many runs.</summary>
public sealed record FailureStreak(string Check, DateTimeOffset FailingSince, int FailingRuns);
