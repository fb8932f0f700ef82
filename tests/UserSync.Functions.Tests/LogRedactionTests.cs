using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The host passes function keys through to the worker (?code=..., x-functions-key) and channel
/// URLs are secrets: nothing the app logs may carry them, in any category.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class LogRedactionTests(PostgresClusterFixture fixture)
{
    private const string QueryKey = "SECRETKEY123";
    private const string HeaderKey = "SECRETKEY456";

    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware")]
    [InlineData("System.Net.Http.HttpClient.slack.LogicalHandler")]
    [InlineData("System.Net.Http.HttpClient.pagerduty.ClientHandler")]
    public async Task Frameworks_that_log_request_urls_log_warnings_only(string category)
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information), $"{category} logs at Information: its lines carry URLs");
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public async Task Function_keys_in_the_query_and_header_never_reach_the_logs()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);
        var status = app.Function<StatusFunctions>();

        var answers = new List<int>
        {
            (await app.ExecuteAsync((await app.Function<RunChecksFunction>().RunAsync(Keyed(app, "POST", "checks/run"), default)).Response)).StatusCode,
            (await app.ExecuteAsync(HealthFunction.Run(Keyed(app, "GET", "health")))).StatusCode,
            (await app.ExecuteAsync(await status.GetStatusAsync(Keyed(app, "GET", "status"), default))).StatusCode,
            (await app.ExecuteAsync(await status.GetStatsAsync(Keyed(app, "GET", "stats"), default))).StatusCode,
            (await app.ExecuteAsync(await status.GetHistoryAsync(Keyed(app, "GET", "history", "days=abc"), default))).StatusCode,
            (await app.ExecuteAsync(await status.GetGhostsAsync(Keyed(app, "GET", "ghosts", "limit=2"), default))).StatusCode,
            (await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(Keyed(app, "POST", "repair", body: "not json"), default))).StatusCode,
        };

        Assert.Equal([200, 200, 200, 200, 400, 200, 400], answers);
        var text = app.Logs.Text;
        Assert.Contains("Check run", text, StringComparison.Ordinal); // the capture saw the app's logs
        Assert.DoesNotContain(QueryKey, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(HeaderKey, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@example.com", text.Replace("***@example.com", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Keyed(TestApp app, string method, string route, string? query = null, string? body = null)
    {
        var request = app.Request(method, $"/api/user-sync/{route}?{(query is null ? "" : query + "&")}code={QueryKey}",
            body is null ? null : Encoding.UTF8.GetBytes(body));
        request.Headers["x-functions-key"] = HeaderKey;
        return request;
    }
}
