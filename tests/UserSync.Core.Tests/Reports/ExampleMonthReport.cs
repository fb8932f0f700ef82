using Microsoft.Extensions.Time.Testing;
using UserSync.Core.Reports;
using UserSync.Core.Store;
using UserSync.Core.Tests.Integration;
using UserSync.Testing;

namespace UserSync.Core.Tests.Reports;

/// <summary>The example month in a fresh database, and its report built through the real readers as of the monthly timer's clock.</summary>
internal static class ExampleMonthReport
{
    public static async Task<MonitorDatabase> DatabaseAsync(PostgresCluster cluster)
    {
        var db = await MonitorDatabase.CreateAsync(cluster);
        await cluster.ExecuteAsync(db.Name, ExampleMonth.Sql());
        return db;
    }

    public static async Task<SuccessReport> BuildAsync(MonitorDatabase db, ReportPeriod period, DateTimeOffset? now = null)
    {
        var settings = db.Options();
        settings.Environment = "prod";
        var options = Microsoft.Extensions.Options.Options.Create(settings);
        await using var dataSource = MonitorConnections.BuildDataSource(options.Value);
        var reports = new SuccessReports(new ReportReader(new MonitorConnections(dataSource, options)),
            new FakeTimeProvider(now ?? ExampleMonth.ReportClock), options);
        return await reports.BuildAsync(period, CancellationToken.None);
    }

    /// <summary>The period's runs through the real reader, as the report reads them.</summary>
    public static async Task<IReadOnlyList<ReportRun>> RunsAsync(MonitorDatabase db, ReportPeriod period)
    {
        var options = Microsoft.Extensions.Options.Options.Create(db.Options());
        await using var dataSource = MonitorConnections.BuildDataSource(options.Value);
        return await new ReportReader(new MonitorConnections(dataSource, options)).ReadRunsAsync(period, CancellationToken.None);
    }
}
