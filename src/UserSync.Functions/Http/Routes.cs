namespace UserSync.Functions.Http;

/// <summary>The HTTP functions' routes, under the host's "api" prefix (host.json extensions.http.routePrefix).</summary>
public static class Routes
{
    public const string Health = "user-sync/health";
    public const string Status = "user-sync/status";
    public const string Stats = "user-sync/stats";
    public const string History = "user-sync/history";
    public const string Ghosts = "user-sync/ghosts";
    public const string RunChecks = "user-sync/checks/run";
    public const string Repair = "user-sync/repair";
    public const string Audit = "user-sync/audit";
    public const string Report = "user-sync/report";

    // The JSON the dashboard page reads (docs/dashboard-api.md): anonymous at the host, the worker
    // checks the signed-in principal (App Service Authentication) itself.
    public const string ViewMe = "user-sync/view/me";
    public const string ViewSummary = "user-sync/view/summary";
    public const string ViewHistory = "user-sync/view/history";
    public const string ViewAlerts = "user-sync/view/alerts";
    public const string ViewGhosts = "user-sync/view/ghosts";
    public const string ViewAudit = "user-sync/view/audit";
    public const string ViewReport = "user-sync/view/report";
    public const string ViewRunChecks = "user-sync/view/checks/run";
    public const string ViewRepair = "user-sync/view/repair";

    /// <summary>The dashboard page: answers a redirect to <see cref="DashboardPage"/> + "/" so its relative asset URLs resolve.</summary>
    public const string DashboardPage = "user-sync/dashboard";

    /// <summary>The page's files (index.html, app.js, app.css) under the page's folder; an empty path is the page itself.</summary>
    public const string Dashboard = DashboardPage + "/{*path}";
}
