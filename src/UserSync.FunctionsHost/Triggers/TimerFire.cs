namespace UserSync.FunctionsHost.Triggers;

/// <summary>
/// One firing of a timer trigger, as the Timer extension would hand it over. Leave
/// <see cref="Status"/> unset to get what the host's schedule monitor would say (for a binding
/// with useMonitor, the status the stand-in has kept since it started); set
/// <see cref="WithoutStatus"/> to send <c>"ScheduleStatus": null</c>, as for useMonitor = false.
/// </summary>
public sealed record TimerFire
{
    public bool IsPastDue { get; init; }

    public ScheduleStatus? Status { get; init; }

    public bool WithoutStatus { get; init; }
}
