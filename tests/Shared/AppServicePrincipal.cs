using System.Text;
using System.Text.Json;

namespace UserSync.Testing;

/// <summary>
/// The X-MS-CLIENT-PRINCIPAL header App Service Authentication injects after a Microsoft Entra ID
/// sign-in (base64 of JSON: auth_typ, name_typ, role_typ, claims), as the tests send it to an app
/// configured UserSync__Dashboard__Authentication=AppService. App roles arrive as "roles" claims.
/// </summary>
public static class AppServicePrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    public static string Encode(string objectId, string name, params string[] roles)
    {
        var claims = new List<object>
        {
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = objectId },
            new { typ = "name", val = name },
        };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        var json = JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            name_typ = "name",
            role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
            claims,
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static Dictionary<string, string> Headers(string objectId, string name, params string[] roles) =>
        new() { [Header] = Encode(objectId, name, roles) };
}
