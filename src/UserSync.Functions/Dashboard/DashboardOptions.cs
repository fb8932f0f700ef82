using Microsoft.Extensions.Options;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// Who may see the dashboard and act from it (docs/dashboard-api.md), bound from
/// "UserSync:Dashboard" (app settings UserSync__Dashboard__Authentication, UserSync__Dashboard__AdminRole).
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "UserSync:Dashboard";

    /// <summary>The app role an action needs (an app role of the app registration, in the principal's roles claim).</summary>
    public const string DefaultAdminRole = "UserSync.Admin";

    /// <summary>
    /// "AppService" (the default): App Service Authentication signs users in and the worker reads
    /// the principal it injects; viewing needs a signed-in user, actions the admin role. "None":
    /// the local host stand-in on loopback, no sign-in, everyone may view and act. "Off": the
    /// dashboard's JSON refuses everyone (what infra sets until sign-in is configured: without
    /// App Service Authentication in front nothing strips a client's own X-MS-CLIENT-PRINCIPAL).
    /// </summary>
    public string Authentication { get; set; } = nameof(DashboardAuthentication.AppService);

    /// <summary>The app role actions need.</summary>
    /// <value>The default value is "UserSync.Admin".</value>
    public string AdminRole { get; set; } = DefaultAdminRole;

    /// <summary>The mode <see cref="Authentication"/> names (validated at start).</summary>
    public DashboardAuthentication Mode =>
        Enum.TryParse<DashboardAuthentication>(Authentication, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new InvalidOperationException("UserSync:Dashboard:Authentication was not validated.");
}

public enum DashboardAuthentication
{
    AppService,
    None,
    Off,
}

/// <summary>Checks the dashboard settings at start; each message names the setting, never a value.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Enum.TryParse<DashboardAuthentication>(options.Authentication, ignoreCase: true, out var mode) || !Enum.IsDefined(mode)
            || int.TryParse(options.Authentication, out _))
        {
            errors.Add("UserSync:Dashboard:Authentication must be AppService (sign-in through App Service Authentication), None (local, loopback only) or Off.");
        }

        if (string.IsNullOrWhiteSpace(options.AdminRole) || options.AdminRole.Length > 120 || options.AdminRole.Any(char.IsWhiteSpace))
        {
            errors.Add("UserSync:Dashboard:AdminRole must be an app role value: 1 to 120 characters without spaces, for example UserSync.Admin.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
