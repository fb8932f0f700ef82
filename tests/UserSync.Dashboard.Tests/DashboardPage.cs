using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using UserSync.Testing;

namespace UserSync.Dashboard.Tests;

/// <summary>A browser context on the dashboard: a viewport, optionally the headers App Service Authentication would add.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    /// <summary>Set to 1 to write the screenshots docs/dashboard.md shows into docs/dashboard/ (commit them).</summary>
    public const string UpdateScreenshotsVariable = "USERSYNC_UPDATE_DASHBOARD_SCREENSHOTS";

    private readonly IBrowserContext _context;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Request += (_, request) => _requests.Enqueue(request.Url);
    }

    public IPage Page { get; }

    /// <summary>The URLs the page has requested so far, in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests.ToArray();

    public static async Task<DashboardPage> OpenAsync(IBrowser browser, DashboardApp app, int width = 1280,
        IReadOnlyDictionary<string, string>? headers = null, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = width < 600 ? 780 : 900 },
            ColorScheme = colorScheme,
            ExtraHTTPHeaders = headers,
            TimezoneId = "UTC",
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var opened = new DashboardPage(context, page);
        await page.GotoAsync(app.PageUrl);
        // The first refresh is done when main is no longer busy.
        await page.Locator("main[aria-busy='false']").WaitForAsync();
        return opened;
    }

    public ILocator Status => Page.Locator("#status-card");

    public ILocator Stat(string name) => Page.Locator($"[data-stat='{name}'] dd");

    public ILocator RunRows => Page.Locator("#runs-table tbody tr[data-run]");

    public ILocator Check(string name) => Page.Locator($"#checks-table tr[data-check='{name}']");

    public ILocator ActionMessage => Page.Locator("#action-message");

    /// <summary>document.documentElement.scrollWidth &lt;= clientWidth: nothing scrolls sideways.</summary>
    public async Task AssertNoHorizontalOverflowAsync()
    {
        var (scrollWidth, clientWidth) = await Widths();
        Assert.True(scrollWidth <= clientWidth, $"the page is {scrollWidth}px wide in a {clientWidth}px viewport");
    }

    private async Task<(int Scroll, int Client)> Widths()
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        return (widths[0], widths[1]);
    }

    /// <summary>A full-page PNG in the test output (screenshots/), and in docs/dashboard/ when <see cref="UpdateScreenshotsVariable"/> is 1.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        // Moving the pointer away leaves no tooltip or hover in the picture.
        await Page.Mouse.MoveAsync(0, 0);
        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = output, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Assert.True(png.Length > 1000, "an empty screenshot");
        if (Environment.GetEnvironmentVariable(UpdateScreenshotsVariable) == "1")
        {
            var docs = Path.Combine(PostgresCluster.RepositoryRoot, "docs", "dashboard", name + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
            await File.WriteAllBytesAsync(docs, png);
        }

        return output;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    /// <summary>X-MS-CLIENT-PRINCIPAL as App Service Authentication (Entra ID) injects it: base64 JSON of the claims, roles among them.</summary>
    public static Dictionary<string, string> SignedIn(string id, string name, params string[] roles)
    {
        var claims = new List<object>
        {
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = id },
            new { typ = "name", val = name },
            new { typ = "preferred_username", val = name.Replace(' ', '.').ToLowerInvariant() + "@example.com" },
        };
        claims.AddRange(roles.Select(role => new { typ = "roles", val = role }));
        var principal = JsonSerializer.Serialize(new { auth_typ = "aad", name_typ = "name", role_typ = "roles", claims });
        return new Dictionary<string, string>
        {
            ["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(principal)),
            ["X-MS-CLIENT-PRINCIPAL-ID"] = id,
            ["X-MS-CLIENT-PRINCIPAL-NAME"] = name,
            ["X-MS-CLIENT-PRINCIPAL-IDP"] = "aad",
        };
    }
}
