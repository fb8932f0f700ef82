using System.Net;
using UserSync.Functions.Functions;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>What the function folders promise, the handler serves: /api/{route} for HTTP functions, POST /{Name} for the rest.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class HandlerRoutingTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    public static TheoryData<string> HttpFunctionNames => [.. FunctionCatalog.Http.Select(f => f.Name)];

    public static TheoryData<string> NonHttpFunctionNames => [.. RepositoryFiles.Functions.Where(f => !f.IsHttp).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public async Task Http_function_route_and_method_from_function_json_are_served_under_api(string name)
    {
        var trigger = RepositoryFiles.Function(name).Trigger;
        var route = trigger.GetProperty("route").GetString()!;
        var method = new HttpMethod(Assert.Single(trigger.GetProperty("methods").EnumerateArray()).GetString()!.ToUpperInvariant());
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await db.ScalarAsync<Guid>("select run_id from user_sync.record_user_sync_metrics('test')");
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var request = new HttpRequestMessage(method, new Uri($"/api/{route}", UriKind.Relative));
        using var response = await handler.Client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} /api/{route} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public async Task Http_function_route_refuses_the_other_method_with_405(string name)
    {
        var entry = FunctionCatalog.Http.Single(f => f.Name == name);
        var other = entry.Method == "GET" ? HttpMethod.Post : HttpMethod.Get;
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString);

        using var request = new HttpRequestMessage(other, new Uri($"/api/{entry.Route}", UriKind.Relative));
        using var response = await handler.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(NonHttpFunctionNames))]
    public async Task Non_http_function_is_served_at_POST_its_name_with_an_invocation_response(string name)
    {
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString);

        // An empty invocation: DailyCheck reports the unreachable database, AlertDispatcher rejects the message.
        using var response = await handler.PostJsonAsync($"/{name}", """{"Data": {}, "Metadata": {}}""");

        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await HandlerAssert.InvocationResponseAsync(response.StatusCode, response);
    }

    [Fact]
    public void Non_http_functions_are_exactly_DailyCheck_and_AlertDispatcher()
    {
        Assert.Equal([FunctionCatalog.AlertDispatcher, FunctionCatalog.DailyCheck], RepositoryFiles.Functions.Where(f => !f.IsHttp).Select(f => f.Name));
    }
}
