namespace UserSync.Functions;

/// <summary>Settings of the check timers that the app checks too, so a bad schedule fails at start.</summary>
public sealed class DailyCheckOptions
{
    /// <summary>The app setting the DailyCheck timer reads through %DailyCheckSchedule%.</summary>
    public const string ScheduleSetting = "DailyCheckSchedule";

    /// <summary>The app setting the IncrementalCheck timer reads through %IncrementalCheckSchedule%.</summary>
    public const string IncrementalScheduleSetting = "IncrementalCheckSchedule";

    /// <summary>NCRONTAB with seconds (6 fields), UTC: the full check.</summary>
    /// <value>The default value is "0 0 2 * * *" (02:00 UTC daily).</value>
    public string DailyCheckSchedule { get; set; } = "0 0 2 * * *";

    /// <summary>NCRONTAB with seconds (6 fields), UTC: the incremental check (docs/incremental-check.md).</summary>
    /// <value>The default value is "0 */10 * * * *" (every 10 minutes).</value>
    public string IncrementalCheckSchedule { get; set; } = "0 */10 * * * *";
}
