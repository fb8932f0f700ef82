using UserSync.Infra.Tests.Bicep;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>
/// The dashboard's sign-in as infra configures it (docs/deploy.md, "Dashboard sign-in"): App
/// Service Authentication with Microsoft Entra ID that lets unauthenticated requests through (the
/// function-key API keeps working; the worker refuses the dashboard's JSON itself), only when an
/// app registration is given, and the worker's mode following it: AppService behind sign-in, Off
/// without (never None, which trusts everyone).
/// </summary>
public sealed class DashboardAuthTests
{
    private static BicepResource AuthSettings => Assert.Single(Template.Resources,
        r => r.TypeName == "Microsoft.Web/sites/config" && BicepFile.Literal(r.Value("name") ?? "") == "authsettingsV2");

    [Fact]
    public void App_Service_Authentication_uses_Entra_ID_and_lets_unauthenticated_requests_through_to_the_worker()
    {
        var body = AuthSettings.Body;

        Assert.Contains("unauthenticatedClientAction: 'AllowAnonymous'", body, StringComparison.Ordinal);
        Assert.Contains("requireAuthentication: false", body, StringComparison.Ordinal);
        Assert.Contains("azureActiveDirectory: {", body, StringComparison.Ordinal);
        Assert.Contains("clientId: dashboardClientId", body, StringComparison.Ordinal);
        Assert.Contains("openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'", body, StringComparison.Ordinal);
        Assert.DoesNotContain("excludedPaths", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_in_is_configured_only_with_an_app_registration()
    {
        Assert.Equal("modules/functionapp.bicep", AuthSettings.File.Path);
        Assert.Contains("= if (dashboardSignIn) {", AuthSettings.File.Code[..(AuthSettings.Open + 1)][^40..], StringComparison.Ordinal);
        Assert.Equal("!empty(dashboardClientId)", AuthSettings.File.Var("dashboardSignIn"));
        Assert.Contains(Template.Main.Params(), p => p.Name == "dashboardClientId" && p.Default == "''");
        Assert.Contains("\"value\": \"${USERSYNC_DASHBOARD_CLIENT_ID}\"", ParametersJson, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worker_trusts_the_principal_only_behind_sign_in_and_is_never_open_in_Azure()
    {
        var mode = Assert.Single(Template.AppSettings, s => s.Name == "UserSync__Dashboard__Authentication");
        var role = Assert.Single(Template.AppSettings, s => s.Name == "UserSync__Dashboard__AdminRole");

        Assert.Equal("dashboardSignIn ? 'AppService' : 'Off'", mode.Value);
        Assert.Equal("dashboardAdminRole", role.Value);
        Assert.Contains(Template.Main.Params(), p => p.Name == "dashboardAdminRole" && p.Default == "'UserSync.Admin'");
        Assert.True(NeverOpen(Template));
    }

    [Fact]
    public void A_template_that_sets_None_in_Azure_is_caught()
    {
        var broken = Template.Edit("modules/functionapp.bicep", "dashboardSignIn ? 'AppService' : 'Off'", "dashboardSignIn ? 'AppService' : 'None'");

        Assert.False(NeverOpen(broken));
    }

    /// <summary>The dashboard mode infra sets can never be None (no sign-in, everyone may act).</summary>
    private static bool NeverOpen(InfraTemplate template) =>
        template.AppSettings.Where(s => s.Name == "UserSync__Dashboard__Authentication")
            .All(s => !s.Value.Contains("'None'", StringComparison.Ordinal));

    [Fact]
    public void Deploy_docs_say_how_to_register_the_app_and_grant_the_admin_role()
    {
        var deploy = ReadOrNull("docs/deploy.md")!;

        Assert.Contains("## Dashboard sign-in", deploy, StringComparison.Ordinal);
        Assert.Contains("az ad app create", deploy, StringComparison.Ordinal);
        Assert.Contains("UserSync.Admin", deploy, StringComparison.Ordinal);
        Assert.Contains("appRoleAssignedTo", deploy, StringComparison.Ordinal);
        Assert.Contains("USERSYNC_DASHBOARD_CLIENT_ID", deploy, StringComparison.Ordinal);
    }
}
