using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>GET /api/user-sync/report on the example month, and its bad parameters.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class ReportFunctionTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task The_report_of_the_example_month_is_served_as_json()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await fixture.Cluster.ExecuteAsync(db.Name, ExampleMonth.Sql());
        await using var app = TestApp.Create(db.ConnectionString, services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(ExampleMonth.ReportClock)));

        var answer = await app.ExecuteAsync(await app.Function<ReportFunction>().GetReportAsync(
            app.Request("GET", "/api/user-sync/report?month=2026-11"), default));

        Assert.Equal((200, "application/json"), (answer.StatusCode, answer.MediaType));
        var report = answer.Json;
        Assert.Equal(("2026-11", 34, 2748.0, 435.0, 426.75, 10),
            (report.GetProperty("period").GetString(), report.GetProperty("runs").GetProperty("total").GetInt32(),
             report.GetProperty("ghostMinutes").GetDouble(), report.GetProperty("timeToDetect").GetProperty("meanMinutes").GetDouble(),
             report.GetProperty("timeToResolve").GetProperty("meanMinutes").GetDouble(), report.GetProperty("incidents").GetArrayLength()));
    }

    [Theory]
    [InlineData("month=2026-13", "month")]
    [InlineData("month=2026-11&month=2026-10", "month")]
    [InlineData("month=2026-11&from=2026-11-01", "month")]
    [InlineData("from=2026-11-01", "to")]
    [InlineData("to=2026-11-01", "from")]
    [InlineData("from=soon&to=2026-11-03", "from")]
    [InlineData("from=2026-11-10&to=2026-11-03", "to")]
    [InlineData("from=2025-01-01&to=2026-11-03", "to")]
    public async Task A_bad_period_is_a_400_problem_naming_the_field(string query, string field)
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var answer = await app.ExecuteAsync(await app.Function<ReportFunction>().GetReportAsync(
            app.Request("GET", $"/api/user-sync/report?{query}"), default));

        Assert.Equal((400, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal([field], answer.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }
}
