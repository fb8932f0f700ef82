using Microsoft.Extensions.Options;
using UserSync.Core.Options;

namespace UserSync.Core.Reports;

/// <summary>
/// Builds the success-metrics report of a period from the database, as of the clock's now (a
/// period still running is reported up to now). What the CLI, the HTTP function, the monthly
/// timer and the dashboard call.
/// </summary>
public sealed class SuccessReports(ReportReader reader, TimeProvider clock, IOptions<UserSyncOptions> options)
{
    public async Task<SuccessReport> BuildAsync(ReportPeriod period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var facts = await reader.ReadAsync(period, cancellationToken);
        return SuccessReportBuilder.Build(options.Value.Environment, period, now, facts);
    }

    /// <summary>The incidents of a period as spans, from its runs only (the dashboard's history).</summary>
    public async Task<IReadOnlyList<IncidentSpan>> IncidentSpansAsync(ReportPeriod period, CancellationToken cancellationToken) =>
        SuccessReportBuilder.IncidentSpans(period, await reader.ReadRunsAsync(period, cancellationToken));

    /// <summary>The calendar month the clock is in, up to now.</summary>
    public Task<SuccessReport> CurrentMonthAsync(CancellationToken cancellationToken) =>
        BuildAsync(ReportPeriod.CurrentMonth(clock.GetUtcNow()), cancellationToken);
}
