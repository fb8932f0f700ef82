namespace UserSync.Functions;

/// <summary>Settings of the DailyCheck timer that the app checks too, so a bad schedule fails at start.</summary>
public sealed class DailyCheckOptions
{
    /// <summary>The app setting the timer trigger reads through %DailyCheckSchedule%.</summary>
    public const string ScheduleSetting = "DailyCheckSchedule";

    /// <summary>NCRONTAB with seconds (6 fields), UTC.</summary>
    /// <value>The default value is "0 0 2 * * *" (02:00 UTC daily).</value>
    public string DailyCheckSchedule { get; set; } = "0 0 2 * * *";
}
