using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using UserSync.FunctionsHost.Tests.Fixtures;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// The HTTP functions through the stand-in's front: the request proxied to the worker's
/// ASP.NET Core integration with x-ms-invocation-id while the InvocationRequest goes over gRPC.
/// Bad input gets RFC 9457 problem+json naming the field, and nothing is written.
/// </summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed class HttpProxyTests(SharedWorker app)
{
    [Fact]
    public async Task Health_answers_through_the_proxy_and_the_invocation_went_over_grpc()
    {
        var before = app.Host.Invocations.Count(i => i.Function == "Health");

        using var response = await app.Http.GetAsync("api/user-sync/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(before + 1, app.Host.Invocations.Count(i => i.Function == "Health" && i.Succeeded));
    }

    [Fact]
    public async Task The_ghost_list_is_served_masked()
    {
        using var response = await app.Http.GetAsync("api/user-sync/ghosts?limit=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal(2, body.RootElement.GetProperty("ghosts").GetArrayLength());
        Assert.DoesNotContain(SharedWorker.GhostPrefix + "001@example.com", text, StringComparison.Ordinal);
        Assert.Contains("@example.com", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/user-sync/history?days=0", "days")]
    [InlineData("api/user-sync/history?days=many", "days")]
    [InlineData("api/user-sync/ghosts?limit=100000", "limit")]
    [InlineData("api/user-sync/ghosts?after=not-a-cursor", "after")]
    public async Task A_bad_query_gets_a_problem_naming_the_field(string url, string field)
    {
        using var response = await app.Http.GetAsync(url);

        await AssertProblemAsync(response, field);
    }

    [Theory]
    [InlineData("""{"apply":"yes"}""", "apply")]
    [InlineData("""{"batchSize":0}""", "batchSize")]
    [InlineData("""{"aply":true}""", "aply")]
    public async Task A_bad_repair_body_gets_a_problem_naming_the_field_and_writes_nothing(string json, string field)
    {
        var before = await app.Database.WritesAsync();

        using var response = await app.Http.PostAsync("api/user-sync/repair", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, field);
        Assert.Equal(before, await app.Database.WritesAsync());
    }

    [Fact]
    public async Task A_repair_body_with_a_lone_surrogate_or_invalid_utf8_is_a_400_not_a_500_and_writes_nothing()
    {
        var before = await app.Database.WritesAsync();
        using var surrogate = new StringContent("""{"\ud800":1}""", Encoding.UTF8, "application/json");
        using var bytes = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        foreach (var content in new HttpContent[] { surrogate, bytes })
        {
            using var response = await app.Http.PostAsync("api/user-sync/repair", content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await app.Database.WritesAsync());
    }

    [Fact]
    public async Task A_path_no_function_serves_is_a_404_from_the_host_without_an_invocation()
    {
        var before = app.Host.Invocations.Count;

        using var response = await app.Http.GetAsync("api/user-sync/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, app.Host.Invocations.Count);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"no errors.{field} in {text}");
    }
}
