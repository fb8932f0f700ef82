namespace UserSync.FunctionsHost;

/// <summary>How long the worker took, from its process start, to each step of the start protocol.</summary>
public sealed record StartupTimings(TimeSpan StreamOpened, TimeSpan Initialized, TimeSpan FunctionsLoaded);
