using System.Text.Json;
using Microsoft.Playwright;
using UserSync.Testing;
using static Microsoft.Playwright.Assertions;

namespace UserSync.Dashboard.Tests;

/// <summary>
/// The app in AppService mode (UserSync__Dashboard__Authentication=AppService), App Service
/// Authentication simulated by the X-MS-CLIENT-PRINCIPAL header it injects: no principal, a
/// signed-in viewer without the admin role, an admin.
/// </summary>
[Collection(DashboardDefinition.Name)]
public sealed class SignInTests(DashboardEnvironment environment)
{
    private const string ViewerId = "00000000-0000-4000-8000-00000000a001";
    private const string AdminId = "00000000-0000-4000-8000-00000000a002";

    private Task<DashboardApp> App() => environment.AppAsync("appservice", DashboardMode.AppService, async (cluster, database) =>
    {
        await database.SignUpAsync(5);
        await database.AddGhostsAsync(2, "signin");
        await DashboardApp.RecordPastRunAsync(cluster, database, TimeSpan.FromHours(2), ghosts: 2);
    });

    [Fact]
    public async Task Without_a_signed_in_user_the_page_links_to_the_Entra_ID_sign_in()
    {
        var app = await App();
        var context = await environment.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(app.PageUrl);

            var link = page.Locator("#signin a");
            await Expect(link).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/\\.auth/login/aad\\?post_login_redirect_uri="));
            await Expect(page.Locator("#status-card")).ToBeHiddenAsync();
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_viewer_without_the_admin_role_sees_the_data_but_the_actions_are_disabled_and_refused_with_403()
    {
        var app = await App();
        var runsBefore = await app.Database.CountAsync("user_sync.monitoring_log");
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app, headers: DashboardPage.SignedIn(ViewerId, "Vera Viewer"));

        await Expect(dashboard.Status).ToHaveAttributeAsync("data-status", "critical");
        await Expect(dashboard.Page.Locator("#banner")).ToBeHiddenAsync();
        await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Run checks now" })).ToBeDisabledAsync();
        await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Repair ghosts…" })).ToBeDisabledAsync();
        await Expect(dashboard.ActionMessage).ToContainTextAsync("admin role");

        // What a hand-made request would get: 403 problems, and nothing written.
        var run = await dashboard.Page.APIRequest.PostAsync(new Uri(app.BaseAddress, "api/user-sync/view/checks/run").ToString());
        var repair = await dashboard.Page.APIRequest.PostAsync(new Uri(app.BaseAddress, "api/user-sync/view/repair").ToString(),
            new() { DataObject = new { apply = true, confirmCount = 2 } });

        foreach (var answer in new[] { run, repair })
        {
            Assert.Equal(403, answer.Status);
            Assert.StartsWith("application/problem+json", answer.Headers["content-type"], StringComparison.Ordinal);
            Assert.Contains("UserSync.Admin", JsonDocument.Parse(await answer.TextAsync()).RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(2, (await app.Database.GhostIdsAsync()).Count);
        Assert.Equal(runsBefore, await app.Database.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task An_admin_runs_the_checks_and_the_run_is_recorded_with_who_asked()
    {
        var app = await App();
        await using var dashboard = await DashboardPage.OpenAsync(environment.Browser, app,
            headers: DashboardPage.SignedIn(AdminId, "Ada Admin", "UserSync.Admin"));

        await Expect(dashboard.Page.Locator("#who")).ToContainTextAsync("UserSync.Admin");
        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Run checks now" }).ClickAsync();

        await Expect(dashboard.ActionMessage).ToContainTextAsync("Checks ran");
        Assert.Equal("dashboard:" + AdminId, await app.Database.ScalarAsync<string>(
            "select requested_by from user_sync.monitoring_log order by id desc limit 1"));
    }
}
