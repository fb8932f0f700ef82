using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UserSync.Dashboard.Tests;

/// <summary>A freshly migrated database: no users, no runs. Each state is a helpful message, not an error.</summary>
[Collection(DashboardDefinition.Name)]
public sealed class EmptyDashboardTests(DashboardEnvironment environment)
{
    [Fact]
    public async Task No_runs_yet_says_so_everywhere_and_after_the_first_run_the_empty_database_says_so()
    {
        var app = await environment.AppAsync("empty", DashboardMode.Local);
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app, width: 360);

        await Expect(dashboard.Status).ToHaveAttributeAsync("data-status", "unknown");
        await Expect(dashboard.Page.Locator("#status-badge")).ToHaveTextAsync("No runs yet");
        await Expect(dashboard.Page.Locator("#status-sentence")).ToContainTextAsync("No check has run yet");
        await Expect(dashboard.Page.Locator("#stats-grid")).ToContainTextAsync("No run has been recorded yet");
        await Expect(dashboard.Page.Locator("#history-empty")).ToContainTextAsync("No runs in the last 30 days");
        await Expect(dashboard.Page.Locator("#checks-table tbody")).ToContainTextAsync("the checks appear after the first run");
        await Expect(dashboard.Page.Locator("#deliveries-table tbody")).ToContainTextAsync("No alert has been sent yet");
        await Expect(dashboard.Page.Locator("#audit-table tbody")).ToContainTextAsync("No repair has been recorded yet");
        await Expect(dashboard.Page.Locator("#updated[data-ok='true']")).ToBeVisibleAsync();
        await dashboard.AssertNoHorizontalOverflowAsync();
        await dashboard.ScreenshotAsync("no-runs");

        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Run checks now" }).ClickAsync();

        await Expect(dashboard.Page.Locator("#status-sentence")).ToContainTextAsync("no auth users and no profiles yet");
        await Expect(dashboard.Stat("auth-users")).ToHaveTextAsync("0");
        await Expect(dashboard.RunRows).ToHaveCountAsync(1);
        await dashboard.AssertNoHorizontalOverflowAsync();
        await dashboard.ScreenshotAsync("empty-database");
    }
}
