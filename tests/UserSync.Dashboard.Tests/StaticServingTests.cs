using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace UserSync.Dashboard.Tests;

/// <summary>The Dashboard function over HTTP through the stand-in's front: the bundled files, their types and ETags, and nothing else.</summary>
[Collection(DashboardDefinition.Name)]
public sealed class StaticServingTests(DashboardEnvironment environment)
{
    private Task<DashboardApp> App() => LocalApp.StartAsync(environment);

    [Fact]
    public async Task The_page_without_a_trailing_slash_redirects_to_the_folder_so_relative_asset_urls_resolve()
    {
        var app = await App();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync(new Uri("api/user-sync/dashboard?poll=3", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("dashboard/?poll=3", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("", "text/html")]
    [InlineData("index.html", "text/html")]
    [InlineData("app.js", "text/javascript")]
    [InlineData("app.css", "text/css")]
    public async Task Each_bundled_file_is_served_with_its_type_an_etag_and_revalidation(string file, string mediaType)
    {
        var app = await App();

        using var response = await app.Http.GetAsync(new Uri("api/user-sync/dashboard/" + file, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl?.NoCache, "no-cache: the names carry no hash, every use revalidates");
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(UserSync.Testing.FunctionAppBuild.Directory, "dashboard", file.Length == 0 ? "index.html" : file)), body);
    }

    [Fact]
    public async Task The_page_loads_only_its_own_relative_assets_no_cdn()
    {
        var app = await App();

        var html = await app.Http.GetStringAsync(new Uri("api/user-sync/dashboard/", UriKind.Relative));

        Assert.Contains("""<script src="app.js" defer></script>""", html, StringComparison.Ordinal);
        Assert.Contains("""<link rel="stylesheet" href="app.css">""", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_None_Match_with_the_etag_is_a_304_without_a_body_and_another_etag_is_a_200()
    {
        var app = await App();
        using var first = await app.Http.GetAsync(new Uri("api/user-sync/dashboard/app.js", UriKind.Relative));

        using var same = new HttpRequestMessage(HttpMethod.Get, "api/user-sync/dashboard/app.js");
        same.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await app.Http.SendAsync(same);
        using var other = new HttpRequestMessage(HttpMethod.Get, "api/user-sync/dashboard/app.js");
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var modified = await app.Http.SendAsync(other);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Theory]
    [InlineData("no-such-file.js")]
    [InlineData("index.html.bak")]
    [InlineData("..%2Fhost.json")]
    [InlineData("%2E%2E%2F%2E%2E%2FUserSync.Functions.dll")]
    [InlineData("..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2Fetc%2Fpasswd")]
    public async Task A_path_that_is_not_a_bundled_file_is_a_404_problem_naming_the_path(string path)
    {
        var app = await App();
        // The path as written: no client-side canonicalization of dots or escapes.
        var uri = new Uri(app.BaseAddress + "api/user-sync/dashboard/" + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var response = await app.Http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("path", out _), body);
    }

    [Fact]
    public async Task Dot_segments_never_leave_the_page_folder()
    {
        var app = await App();
        var uri = new Uri(app.BaseAddress + "api/user-sync/dashboard/../../../host.json", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var response = await app.Http.GetAsync(uri);

        // The front resolves the dots before routing (RFC 3986): no function answers /host.json.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("functionTimeout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
