using Cronos;
using Microsoft.Extensions.Options;

namespace UserSync.Functions;

public sealed class DailyCheckOptionsValidator : IValidateOptions<DailyCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, DailyCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!CronExpression.TryParse(options.DailyCheckSchedule, CronFormat.IncludeSeconds, out _))
        {
            errors.Add("DailyCheckSchedule must be an NCRONTAB expression with 6 fields (seconds first), for example \"0 0 2 * * *\".");
        }

        if (!CronExpression.TryParse(options.IncrementalCheckSchedule, CronFormat.IncludeSeconds, out _))
        {
            errors.Add("IncrementalCheckSchedule must be an NCRONTAB expression with 6 fields (seconds first), for example \"0 */10 * * * *\".");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
