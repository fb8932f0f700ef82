namespace UserSync.FunctionsHost.Triggers;

/// <summary>The timer's last recorded run, as the Timer extension's schedule monitor keeps it (TimerInfo.ScheduleStatus).</summary>
public sealed record ScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
