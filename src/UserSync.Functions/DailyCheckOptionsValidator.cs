using Cronos;
using Microsoft.Extensions.Options;

namespace UserSync.Functions;

public sealed class DailyCheckOptionsValidator : IValidateOptions<DailyCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, DailyCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CronExpression.TryParse(options.DailyCheckSchedule, CronFormat.IncludeSeconds, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "DailyCheckSchedule must be an NCRONTAB expression with 6 fields (seconds first), for example \"0 0 2 * * *\".");
    }
}
