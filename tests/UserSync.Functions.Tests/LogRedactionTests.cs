using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The host passes function keys through to the handler (?code=..., x-functions-key): nothing the
/// app logs, in any category, may carry them.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class LogRedactionTests(PostgresClusterFixture fixture)
{
    private const string QueryKey = "SECRETKEY123";
    private const string HeaderKey = "SECRETKEY456";

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Function_keys_in_the_query_and_header_never_reach_the_logs()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        var statuses = new List<HttpStatusCode>
        {
            await SendAsync(handler, HttpMethod.Post, "/api/user-sync/checks/run"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/health"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/status"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/stats"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/history", "days=abc"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/ghosts", "limit=2"),
            await SendAsync(handler, HttpMethod.Post, "/api/user-sync/repair", body: "not json"),
            await SendAsync(handler, HttpMethod.Get, "/api/user-sync/no-such-route"),
            await SendAsync(handler, HttpMethod.Delete, "/api/user-sync/health"),
        };

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK,
             HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed],
            statuses);
        AssertNoKeyIn(handler.Logs, mustContain: "Check run");
    }

    [Fact]
    public async Task Function_keys_never_reach_the_logs_when_a_request_fails_with_an_exception()
    {
        var store = new Mock<IUserSyncStore>(MockBehavior.Strict);
        store.Setup(s => s.GetStatsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("store bug"));
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString,
            b => b.Services.RemoveAll<IUserSyncStore>().AddSingleton(store.Object));

        var status = await SendAsync(handler, HttpMethod.Get, "/api/user-sync/stats");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        AssertNoKeyIn(handler.Logs, mustContain: "store bug");
    }

    private static async Task<HttpStatusCode> SendAsync(HandlerServer handler, HttpMethod method, string path, string? query = null, string? body = null)
    {
        var uri = $"{path}?{(query is null ? "" : query + "&")}code={QueryKey}";
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative));
        request.Headers.Add("x-functions-key", HeaderKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await handler.Client.SendAsync(request);
        return response.StatusCode;
    }

    // The capture must have seen the app's own logs, or "contains no key" would prove nothing.
    private static void AssertNoKeyIn(CapturedLogs logs, string mustContain)
    {
        var text = logs.Text;
        Assert.Contains(mustContain, text, StringComparison.Ordinal);
        Assert.DoesNotContain(QueryKey, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(HeaderKey, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("x-functions-key", text, StringComparison.OrdinalIgnoreCase);
    }
}
