using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;

namespace UserSync.Functions.Dashboard;

/// <summary>Who is calling a view/* function: the mode, the signed-in principal (none in None mode) and whether they may act.</summary>
public sealed record DashboardCaller(DashboardAuthentication Mode, ClientPrincipal? Principal, bool CanAct)
{
    /// <summary>What the audit and the run record as who asked: "dashboard:&lt;principal id&gt;", locally "dashboard:local".</summary>
    public string RequestedBy => Principal is null ? "dashboard:local" : $"dashboard:{Principal.UserId}";

    /// <summary>The user's name masked like an email in an alert (j***@example.com), or its first letter.</summary>
    public string? MaskedName => Principal?.Name is not { Length: > 0 } name ? null
        : name.Contains('@', StringComparison.Ordinal) ? PiiMasker.MaskEmail(name)
        : string.Concat(name.AsSpan(0, 1), "***");
}

/// <summary>
/// The dashboard's access rule (docs/dashboard-api.md, "Who may see and do what"). AppService mode:
/// viewing needs the principal App Service Authentication injects (401 without one), acting the
/// admin app role (403 without it). None mode: no principal is read, everyone may view and act.
/// </summary>
public sealed class DashboardAccess(IOptions<DashboardOptions> options)
{
    /// <summary>Where App Service Authentication signs a user in with Microsoft Entra ID.</summary>
    public const string LoginPath = "/.auth/login/aad";

    /// <summary>What view/me and every refusal say in Off mode.</summary>
    public const string OffNote =
        "Sign-in is not configured for this app (UserSync__Dashboard__Authentication=Off): docs/deploy.md, \"Dashboard sign-in\", says how to turn it on.";

    private readonly DashboardOptions _options = options.Value;

    public DashboardAuthentication Mode => _options.Mode;

    public string AdminRole => _options.AdminRole;

    /// <summary>The caller, or null when AppService mode finds no usable principal (<paramref name="error"/> says why).</summary>
    public DashboardCaller? Identify(HttpRequest request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        error = null;
        if (_options.Mode == DashboardAuthentication.None)
        {
            return new DashboardCaller(DashboardAuthentication.None, null, CanAct: true);
        }

        if (_options.Mode == DashboardAuthentication.Off)
        {
            error = "the dashboard is off";
            return null;
        }

        var principal = ClientPrincipal.Parse(request.Headers[ClientPrincipal.Header].ToString(), out error);
        return principal is null ? null
            : new DashboardCaller(DashboardAuthentication.AppService, principal, principal.Roles.Contains(_options.AdminRole, StringComparer.Ordinal));
    }

    /// <summary>A caller who may view (and, with <paramref name="act"/>, act), or the 401 / 403 problem to answer instead.</summary>
    public bool TryAuthorize(HttpRequest request, bool act, out DashboardCaller caller, out ProblemHttpResult? problem)
    {
        problem = null;
        caller = Identify(request, out var error)!;
        if (caller is null && _options.Mode == DashboardAuthentication.Off)
        {
            problem = TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The dashboard is off",
                detail: OffNote);
            return false;
        }

        if (caller is null)
        {
            problem = TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required",
                detail: $"The dashboard needs a signed-in user of the tenant ({error}). Sign in at {LoginPath}.",
                extensions: new Dictionary<string, object?> { ["loginUrl"] = LoginPath });
            return false;
        }

        if (act && !caller.CanAct)
        {
            problem = TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: $"The {_options.AdminRole} app role is required",
                detail: $"Viewing is open to signed-in users; running checks and repairing need the {_options.AdminRole} app role (docs/deploy.md says how to grant it).",
                extensions: new Dictionary<string, object?> { ["requiredRole"] = _options.AdminRole });
            return false;
        }

        return true;
    }
}
