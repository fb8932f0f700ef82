using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// The dashboard's JSON through the stand-in's front and the real worker, configured as in Azure
/// (UserSync__Dashboard__Authentication unset: AppService). The tests play App Service
/// Authentication by sending X-MS-CLIENT-PRINCIPAL. The shared worker's database keeps its ghosts:
/// nothing here applies a repair.
/// </summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed class DashboardApiTests(SharedWorker app)
{
    private const string AdminId = "6f1c2a90-0b1e-4c3a-9d55-1b2c3d4e5f60";

    [Fact]
    public async Task Without_a_signed_in_user_a_view_is_a_401_problem_and_view_me_says_how_to_sign_in()
    {
        using var summary = await app.Http.GetAsync("api/user-sync/view/summary");
        using var me = await app.Http.GetAsync("api/user-sync/view/me");

        Assert.Equal(HttpStatusCode.Unauthorized, summary.StatusCode);
        Assert.Equal("application/problem+json", summary.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        Assert.Equal(("appService", false, "/.auth/login/aad"), (body.RootElement.GetProperty("mode").GetString(),
            body.RootElement.GetProperty("signedIn").GetBoolean(), body.RootElement.GetProperty("loginUrl").GetString()));
    }

    [Fact]
    public async Task A_signed_in_viewer_sees_the_summary_but_run_now_is_a_403_and_records_nothing()
    {
        var before = await app.Database.WritesAsync();

        using var summary = await SendAsync(HttpMethod.Get, "view/summary", AppServicePrincipal.Headers("viewer-1", "Vic"));
        using var run = await SendAsync(HttpMethod.Post, "view/checks/run", AppServicePrincipal.Headers("viewer-1", "Vic"));

        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        using var problem = JsonDocument.Parse(await run.Content.ReadAsStringAsync());
        Assert.Equal("The UserSync.Admin app role is required", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(before, await app.Database.WritesAsync());
    }

    [Fact]
    public async Task An_admin_runs_the_checks_the_run_is_recorded_with_who_asked_and_the_summary_poll_goes_from_304_to_200()
    {
        var admin = AppServicePrincipal.Headers(AdminId, "ada@example.com", "UserSync.Admin");
        using var first = await SendAsync(HttpMethod.Get, "view/summary", admin);
        var etag = first.Headers.ETag!;
        using var unchanged = await SendAsync(HttpMethod.Get, "view/summary", admin, etag);

        using var run = await SendAsync(HttpMethod.Post, "view/checks/run", admin);
        using var changed = await SendAsync(HttpMethod.Get, "view/summary", admin, etag);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        using var summary = JsonDocument.Parse(await changed.Content.ReadAsStringAsync());
        var lastRun = summary.RootElement.GetProperty("lastRun");
        Assert.Equal(("dashboard", $"dashboard:{AdminId}", "critical"), (lastRun.GetProperty("source").GetString(),
            lastRun.GetProperty("requestedBy").GetString(), lastRun.GetProperty("status").GetString()));
        Assert.Equal(3, summary.RootElement.GetProperty("stats").GetProperty("ghosts").GetInt64());
        Assert.DoesNotContain(app.Host.Log.Entries, e => e.ToString().Contains("ada@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repair_confirming_a_count_that_is_not_the_current_one_is_a_409_and_writes_nothing()
    {
        var admin = AppServicePrincipal.Headers(AdminId, "ada", "UserSync.Admin");
        var before = await app.Database.WritesAsync();

        using var dryRun = await SendAsync(HttpMethod.Post, "view/repair", admin, body: """{"apply":false}""");
        using var apply = await SendAsync(HttpMethod.Post, "view/repair", admin, body: """{"apply":true,"confirmCount":99}""");
        using var bad = await SendAsync(HttpMethod.Post, "view/repair", admin, body: """{"apply":true}""");

        using var preview = JsonDocument.Parse(await dryRun.Content.ReadAsStringAsync());
        Assert.Equal(3, preview.RootElement.GetProperty("count").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, apply.StatusCode);
        using var conflict = JsonDocument.Parse(await apply.Content.ReadAsStringAsync());
        Assert.Equal(3, conflict.RootElement.GetProperty("count").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("confirmCount", out _));
        Assert.Equal(before, await app.Database.WritesAsync());
    }

    [Fact]
    public async Task The_alerts_view_reads_the_poison_queue_from_the_apps_storage()
    {
        await app.ResetPeersAndQueuesAsync();
        await app.Poison.SendMessageAsync("""{"alertId":"abc:ghost_users:firing","severity":"critical","check":"ghost_users","status":"firing","environment":"test"}""");

        using var response = await SendAsync(HttpMethod.Get, "view/alerts?limit=5", AppServicePrincipal.Headers("viewer-1", "Vic"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var poison = body.RootElement.GetProperty("poison");
        Assert.Equal(1, poison.GetProperty("count").GetInt32());
        Assert.Equal("critical ghost_users firing (test), alert abc:ghost_users:firing",
            poison.GetProperty("messages")[0].GetProperty("summary").GetString());
        await app.ResetPeersAndQueuesAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string> headers,
        EntityTagHeaderValue? ifNoneMatch = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method, "api/user-sync/" + path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await app.Http.SendAsync(request);
    }
}
