namespace UserSync.Functions;

/// <summary>Settings of the DailyCheck timer that the handler checks too, so a bad schedule fails at start.</summary>
public sealed class DailyCheckOptions
{
    /// <summary>NCRONTAB with seconds (6 fields), read by the host through %DailyCheckSchedule% in function.json.</summary>
    public string DailyCheckSchedule { get; set; } = "0 0 2 * * *";
}
