using Cronos;
using Microsoft.Extensions.Options;

namespace UserSync.Functions;

/// <summary>The MonthlyReport timer's schedule, checked at start like DailyCheck's.</summary>
public sealed class MonthlyReportOptions
{
    /// <summary>The app setting the timer trigger reads through %MonthlyReportSchedule%.</summary>
    public const string ScheduleSetting = "MonthlyReportSchedule";

    /// <summary>NCRONTAB with seconds (6 fields), UTC.</summary>
    /// <value>The default value is "0 0 6 1 * *" (06:00 UTC on the 1st, after the day's checks of the last day).</value>
    public string MonthlyReportSchedule { get; set; } = "0 0 6 1 * *";
}

public sealed class MonthlyReportOptionsValidator : IValidateOptions<MonthlyReportOptions>
{
    public ValidateOptionsResult Validate(string? name, MonthlyReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CronExpression.TryParse(options.MonthlyReportSchedule, CronFormat.IncludeSeconds, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "MonthlyReportSchedule must be an NCRONTAB expression with 6 fields (seconds first), for example \"0 0 6 1 * *\".");
    }
}
