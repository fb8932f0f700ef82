using System.Text.Json;
using System.Globalization;
using Microsoft.Playwright;
using UserSync.Testing;
using static Microsoft.Playwright.Assertions;

namespace UserSync.Dashboard.Tests;

/// <summary>
/// The dashboard in headless Chromium against <see cref="LocalApp"/>. Each test makes the state it
/// needs (ghosts added or repaired, a run recorded), so the order they run in does not matter.
/// </summary>
[Collection(DashboardDefinition.Name)]
public sealed class LocalDashboardTests(DashboardEnvironment environment)
{
    private Task<DashboardApp> App() => LocalApp.StartAsync(environment);

    private const int PastGhosts = LocalApp.PastGhosts;

    [Fact]
    public async Task A_healthy_database_shows_healthy_with_the_latest_runs_numbers_and_the_chart_shows_each_recorded_run()
    {
        var app = await App();
        await app.RepairAllAsync();
        var run = await app.RunChecksAsync();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app);

        await Expect(dashboard.Status).ToHaveAttributeAsync("data-status", "healthy");
        await Expect(dashboard.Page.Locator("#status-badge")).ToHaveTextAsync("Healthy");
        await Expect(dashboard.Page.Locator("#banner")).ToContainTextAsync("Local run: no sign-in");
        await Expect(dashboard.Stat("auth-users")).ToHaveTextAsync(Count(run.GetProperty("authUsers").GetInt64()));
        await Expect(dashboard.Stat("profiles")).ToHaveTextAsync(Count(run.GetProperty("profiles").GetInt64()));
        await Expect(dashboard.Stat("ghosts")).ToHaveTextAsync("0");
        await Expect(dashboard.Stat("trigger")).ToHaveTextAsync("enabled");

        // 7 days: the runs recorded 3, 2 and 1 days ago and today's are in the table and the chart.
        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "7 days" }).ClickAsync();
        await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "7 days" })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(await dashboard.RunRows.CountAsync() >= 4);
        var pastRun = dashboard.Page.Locator($"#runs-table tbody tr[data-run='{LocalApp.PastCriticalRunId}']");
        await Expect(pastRun).ToContainTextAsync("critical");
        await Expect(pastRun.Locator("td[data-label='Ghosts']")).ToHaveTextAsync(PastGhosts.ToString(CultureInfo.InvariantCulture));

        // Hovering the chart where the run of two days ago sits shows that run's numbers.
        var tooltip = await HoverChartAsync(dashboard.Page, daysAgo: 2, windowDays: 7);
        Assert.Contains($"Ghosts: {PastGhosts}", tooltip, StringComparison.Ordinal);
        Assert.Contains("Orphans: 1", tooltip, StringComparison.Ordinal);
        Assert.Contains("Status: critical", tooltip, StringComparison.Ordinal);

        await dashboard.AssertNoHorizontalOverflowAsync();
        await dashboard.ScreenshotAsync("healthy");
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(360)]
    public async Task Loading_the_page_shifts_no_layout_in_view(int width)
    {
        var app = await App();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app, width);

        // Chromium's Layout Instability API: the cumulative layout shift since navigation (0.1 is "good" by web.dev's measure).
        var shift = await dashboard.Page.EvaluateAsync<JsonElement>("""
            () => new Promise(resolve => {
              let total = 0;
              const moved = [];
              new PerformanceObserver(list => {
                for (const e of list.getEntries()) {
                  if (e.hadRecentInput) continue;
                  total += e.value;
                  for (const s of e.sources) moved.push(`${s.node?.id || s.node?.className || s.node?.nodeName} ${s.previousRect.y}->${s.currentRect.y} h ${s.previousRect.height}->${s.currentRect.height}`);
                }
              }).observe({ type: "layout-shift", buffered: true });
              setTimeout(() => resolve({ total, moved: moved.join("; ") }), 500);
            })
            """);

        var total = shift.GetProperty("total").GetDouble();
        Assert.True(total < 0.05, $"cumulative layout shift {total:0.000}: {shift.GetProperty("moved").GetString()}");
    }

    [Fact]
    public async Task A_critical_database_shows_critical_with_the_failing_checks_at_1280_and_360_px()
    {
        var app = await App();
        await app.Database.AddGhostsAsync(3, "crit" + Guid.NewGuid().ToString("N")[..6]);
        var run = await app.RunChecksAsync();
        Assert.Equal("critical", run.GetProperty("status").GetString());
        var ghosts = run.GetProperty("ghostUsers").GetInt64();

        foreach (var width in new[] { 1280, 360 })
        {
            await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app, width);

            await Expect(dashboard.Status).ToHaveAttributeAsync("data-status", "critical");
            await Expect(dashboard.Page.Locator("#status-badge")).ToHaveTextAsync("Critical");
            await Expect(dashboard.Page.Locator("#status-sentence")).Not.ToBeEmptyAsync();
            await Expect(dashboard.Stat("ghosts")).ToHaveTextAsync(Count(ghosts));
            await Expect(dashboard.Check("ghost_users")).ToHaveAttributeAsync("data-result", "fail");
            await Expect(dashboard.Check("ghost_users")).ToContainTextAsync("critical");
            await Expect(dashboard.Check("ghost_users").Locator("a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("runbook"));
            await Expect(dashboard.Check("orphaned_profiles")).ToHaveAttributeAsync("data-result", "pass");
            // The list is read only on request: before it, the latest run's count and the button.
            await Expect(dashboard.Page.Locator("#ghosts-table tbody")).ToContainTextAsync($"The latest run found {Count(ghosts)} ghost user");
            Assert.Equal(0, dashboard.Requests.Count(r => r.Contains("/view/ghosts", StringComparison.Ordinal)));
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Show ghost users" }).ClickAsync();
            await Expect(dashboard.Page.Locator("#ghosts-table tbody tr[data-ghost]").First).ToContainTextAsync("@");
            await Expect(dashboard.Page.Locator("#ghosts-table tbody tr[data-ghost]")).ToHaveCountAsync((int)ghosts);
            await dashboard.AssertNoHorizontalOverflowAsync();
            await dashboard.ScreenshotAsync(width == 1280 ? "critical" : "narrow");
        }
    }

    [Fact]
    public async Task Run_checks_now_adds_a_run_and_the_page_shows_it_without_a_reload()
    {
        var app = await App();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app);
        var before = await dashboard.RunRows.CountAsync();
        await dashboard.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Run checks now" }).ClickAsync();

        await Expect(dashboard.ActionMessage).ToContainTextAsync("Checks ran");
        await Expect(dashboard.RunRows).ToHaveCountAsync(before + 1);
        Assert.True(await dashboard.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task Polling_keeps_the_view_on_304_and_shows_a_run_recorded_elsewhere_without_a_reload()
    {
        var app = await App();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app);
        var answers = new List<int>();
        dashboard.Page.Response += (_, response) =>
        {
            if (response.Url.Contains("/view/summary", StringComparison.Ordinal))
            {
                lock (answers)
                {
                    answers.Add(response.Status);
                }
            }
        };
        var before = await dashboard.RunRows.CountAsync();
        await dashboard.Page.EvaluateAsync("() => { window.__sameDocument = true; }");
        // A few polls (every second with ?poll=1) while nothing changes: 304s, the view stays.
        await Expect(dashboard.Page.Locator("#updated[data-ok='true']")).ToBeVisibleAsync();
        await WaitUntilAsync(() => { lock (answers) { return answers.Count(s => s == 304) >= 2; } });
        await Expect(dashboard.RunRows).ToHaveCountAsync(before);

        await app.RunChecksAsync();

        await Expect(dashboard.RunRows).ToHaveCountAsync(before + 1, new() { Timeout = 15_000 });
        Assert.True(await dashboard.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        lock (answers)
        {
            Assert.Contains(200, answers);
        }
    }

    [Fact]
    public async Task Repair_runs_a_dry_run_asks_for_confirmation_with_its_count_escape_cancels_and_apply_takes_the_ghosts_to_zero()
    {
        var app = await App();
        await app.Database.AddGhostsAsync(4, "rep" + Guid.NewGuid().ToString("N")[..6]);
        await app.RunChecksAsync();
        var ghosts = (await app.Database.GhostIdsAsync()).Count;
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app);
        var dialog = dashboard.Page.Locator("dialog#confirm");
        var repair = dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Repair ghosts…" });

        // Keyboard only: focus the button, Enter; the dialog holds the focus; Escape closes it, nothing changed.
        await repair.FocusAsync();
        await dashboard.Page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync($"found {ghosts} ghost users");
        for (var i = 0; i < 4; i++)
        {
            await dashboard.Page.Keyboard.PressAsync("Tab");
            Assert.True(await dashboard.Page.EvaluateAsync<bool>("() => document.activeElement.closest('dialog') !== null"), "the focus left the dialog");
        }

        await dashboard.Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(dashboard.ActionMessage).ToContainTextAsync("cancelled");
        Assert.Equal(ghosts, (await app.Database.GhostIdsAsync()).Count);

        await repair.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dashboard.Page.Locator("#confirm-apply")).ToHaveTextAsync($"Repair {ghosts} ghosts");
        await dashboard.ScreenshotAsync("repair-confirmation");
        await dashboard.Page.Locator("#confirm-apply").ClickAsync();

        await Expect(dashboard.ActionMessage).ToContainTextAsync($"Repaired {ghosts}");
        Assert.Empty(await app.Database.GhostIdsAsync());
        await Expect(dashboard.Stat("ghosts")).ToHaveTextAsync("0"); // the re-check after the repair, without a reload
        await Expect(dashboard.Status).ToHaveAttributeAsync("data-status", "healthy");
        await Expect(dashboard.Page.Locator("#ghosts-table tbody")).ToContainTextAsync("No ghost users");
        await Expect(dashboard.Page.Locator("#audit-table tbody tr[data-audit]").First).ToContainTextAsync("dashboard:");
    }

    [Fact]
    public async Task Dark_mode_follows_the_system_setting()
    {
        var app = await App();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app, colorScheme: ColorScheme.Dark);

        var background = await dashboard.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        Assert.Equal("rgb(13, 17, 23)", background);
        await dashboard.AssertNoHorizontalOverflowAsync();
        await dashboard.ScreenshotAsync("dark");
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.GetCultureInfo("en"));

    /// <summary>Moves the pointer over the chart at the time <paramref name="daysAgo"/> on a <paramref name="windowDays"/>-day axis; the tooltip's text.</summary>
    private static async Task<string> HoverChartAsync(IPage page, double daysAgo, int windowDays)
    {
        var box = (await page.Locator("#chart").BoundingBoxAsync())!;
        // The grid's insets as chart.js sets them on a wide screen (left 56, right 24, top 40, bottom 32).
        var left = box.X + 56;
        var width = box.Width - 56 - 24;
        var x = left + width * (windowDays - daysAgo) / windowDays;
        var y = box.Y + 40 + (box.Height - 72) / 2;
        await page.Mouse.MoveAsync((float)x, (float)y);
        var tooltip = page.Locator("#chart div").Filter(new() { HasText = "Ghosts:" }).Last;
        await Expect(tooltip).ToBeVisibleAsync();
        return await tooltip.InnerTextAsync();
    }

    [Fact]
    public async Task The_ghost_list_is_read_on_request_only_and_then_once_per_new_run_not_on_every_poll()
    {
        var app = await App();
        await app.Database.AddGhostsAsync(2, "list" + Guid.NewGuid().ToString("N")[..6]);
        await app.RunChecksAsync();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app);
        int Reads(string view) => dashboard.Requests.Count(u => u.Contains("/view/" + view, StringComparison.Ordinal));

        var polls = Reads("summary");
        await WaitUntilAsync(() => Reads("summary") >= polls + 2);
        Assert.Equal(0, Reads("ghosts"));

        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Show ghost users" }).ClickAsync();
        await Expect(dashboard.Page.Locator("#ghosts-table tbody tr[data-ghost]").First).ToBeVisibleAsync();
        Assert.Equal(1, Reads("ghosts"));
        polls = Reads("summary");
        await WaitUntilAsync(() => Reads("summary") >= polls + 2);
        Assert.Equal(1, Reads("ghosts")); // polls while no run is recorded leave the list alone

        await app.RunChecksAsync();
        await WaitUntilAsync(() => Reads("ghosts") == 2); // the new run: the list is read again, once
        polls = Reads("summary");
        await WaitUntilAsync(() => Reads("summary") >= polls + 2);
        Assert.Equal(2, Reads("ghosts"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(200);
        }
    }
}
