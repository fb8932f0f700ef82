namespace UserSync.FunctionsHost;

/// <summary>When the worker process started, and how long it took from there to each step of the start protocol.</summary>
public sealed record StartupTimings(DateTimeOffset ProcessStarted, TimeSpan StreamOpened, TimeSpan Initialized, TimeSpan FunctionsLoaded);
