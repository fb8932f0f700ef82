using Microsoft.Playwright;
using UserSync.Testing;

namespace UserSync.Dashboard.Tests;

/// <summary>
/// Everything the browser tests share: one throwaway PostgreSQL cluster, one Azurite, Playwright's
/// driver with Debian's Chromium (<see cref="ChromiumPath"/>, installed by scripts/ensure-deps.sh),
/// and the function apps (each its real worker process under the host stand-in, on its own
/// database), started on first use and always stopped.
/// </summary>
public sealed class DashboardEnvironment : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly Dictionary<string, Task<DashboardApp>> _apps = new(StringComparer.Ordinal);
    private PostgresCluster? _cluster;
    private AzuriteServer? _azurite;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/ensure-deps.sh (it installs Debian's chromium)");
        var index = Path.Combine(FunctionAppBuild.Directory, "dashboard", "index.html");
        Assert.True(File.Exists(index), $"{index} is missing: the function app's build bundles the dashboard (npm ci + esbuild)");

        _cluster = await PostgresCluster.StartAsync();
        _azurite = await AzuriteServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        // Playwright's own browser download cannot work here: Debian's Chromium, by its path, and
        // nothing that would reach the network on its own. A launch (not a persistent context)
        // gives Chromium a fresh temporary user-data-dir, which Playwright deletes on close.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>The app of that name, started once (on its own database, prepared by <paramref name="prepare"/>).</summary>
    public Task<DashboardApp> AppAsync(string name, DashboardMode mode, Func<PostgresCluster, MonitoredDatabase, Task>? prepare = null)
    {
        lock (_apps)
        {
            if (!_apps.TryGetValue(name, out var app))
            {
                app = DashboardApp.StartAsync(Cluster, Azurite, mode, prepare);
                _apps[name] = app;
            }

            return app;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
            {
                await app.Result.DisposeAsync();
            }
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardDefinition : ICollectionFixture<DashboardEnvironment>
{
    public const string Name = "dashboard";
}
