using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Reports;

namespace UserSync.Functions.Http;

/// <summary>
/// GET /api/user-sync/report?month=yyyy-MM (or ?from=&amp;to=; neither: the current month up to
/// now): the plan's success metrics as JSON, the shape `usersync report --format json` prints.
/// Function key, like the other admin routes.
/// </summary>
public sealed class ReportFunction(SuccessReports reports, TimeProvider clock)
{
    [Function("GetReport")]
    public async Task<Results<Ok<SuccessReport>, ValidationProblem>> GetReportAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Report)] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadPeriod(request.Query, clock.GetUtcNow(), out var period, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await reports.BuildAsync(period!, cancellationToken));
    }

    /// <summary>month, or from and to, each at most once; the problem names the parameter at fault.</summary>
    public static bool TryReadPeriod(IQueryCollection query, DateTimeOffset now, out ReportPeriod? period, out ValidationProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        period = null;
        problem = null;
        foreach (var name in new[] { "month", "from", "to" })
        {
            if (query.TryGetValue(name, out var values) && values.Count != 1)
            {
                problem = Problems.Invalid(name, "must be given once");
                return false;
            }
        }

        var month = query.TryGetValue("month", out var m) ? m[0] : null;
        var from = query.TryGetValue("from", out var f) ? f[0] : null;
        var to = query.TryGetValue("to", out var t) ? t[0] : null;
        if (month is not null)
        {
            if (from is not null || to is not null)
            {
                problem = Problems.Invalid("month", "cannot be combined with from and to");
                return false;
            }

            if (!ReportPeriod.TryParseMonth(month, out period, out var error))
            {
                problem = Problems.Invalid("month", error!);
                return false;
            }

            return true;
        }

        if (from is null && to is null)
        {
            period = ReportPeriod.CurrentMonth(now);
            return true;
        }

        if (from is null || to is null)
        {
            problem = Problems.Invalid(from is null ? "from" : "to", "must be given with " + (from is null ? "to" : "from"));
            return false;
        }

        if (!ReportPeriod.TryParseRange(from, to, out period, out var rangeError))
        {
            problem = Problems.Invalid(rangeError!.Value.Field, rangeError.Value.Message);
            return false;
        }

        return true;
    }
}
