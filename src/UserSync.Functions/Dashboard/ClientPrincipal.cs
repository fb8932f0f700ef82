using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// The signed-in user App Service Authentication hands the app in the X-MS-CLIENT-PRINCIPAL
/// header (base64 of JSON: auth_typ, name_typ, role_typ, claims [{typ, val}]). App Service sets it
/// after sign-in and removes it from what clients send, so it is trusted in AppService mode only.
/// Parsed here because no maintained .NET library reads this header for the isolated worker
/// (Microsoft.Identity.Web reads tokens, not this App Service format).
/// </summary>
public sealed partial record ClientPrincipal(string UserId, string? Name, IReadOnlyList<string> Roles, string AuthType)
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>Larger than any principal App Service writes (a few KB); more is refused unread.</summary>
    public const int MaxHeaderLength = 64 * 1024;

    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private const string NameClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = false };

    /// <summary>The header's value as a principal, or null (and why) when it is not one with a usable user id.</summary>
    public static ClientPrincipal? Parse(string? header, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            error = "no principal";
            return null;
        }

        if (header.Length > MaxHeaderLength)
        {
            error = "the principal header is too long";
            return null;
        }

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(Convert.FromBase64String(header.Trim()), Json);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or DecoderFallbackException)
        {
            error = "the principal header is not base64 of the App Service principal JSON";
            return null;
        }

        var claims = payload?.Claims?.Where(c => c is { Typ: not null, Val: not null }).ToList() ?? [];
        string? First(params string?[] types) =>
            types.Where(t => !string.IsNullOrEmpty(t)).Select(t => claims.FirstOrDefault(c => c.Typ == t)?.Val).FirstOrDefault(v => !string.IsNullOrEmpty(v));

        var id = First(ObjectIdClaim, "oid", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "sub");
        if (id is null || !IdPattern().IsMatch(id))
        {
            error = "the principal has no usable user id (oid)";
            return null;
        }

        // App Service names the role claim type in role_typ, but Entra ID's app roles arrive as
        // "roles" claims whatever role_typ says: both count.
        var roleTypes = new[] { payload!.RoleType, "roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role" }
            .Where(t => !string.IsNullOrEmpty(t)).ToHashSet(StringComparer.Ordinal);
        var roles = claims.Where(c => roleTypes.Contains(c.Typ!)).Select(c => c.Val!).Distinct(StringComparer.Ordinal).ToList();
        return new ClientPrincipal(id.ToLowerInvariant(), First(payload.NameType, "name", NameClaim, "preferred_username"), roles,
            payload.AuthType ?? "unknown");
    }

    /// <summary>An object id (a GUID) or another plain id: what the audit and the run record as who asked.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex IdPattern();

#pragma warning disable CA1812 // System.Text.Json instantiates them.
    private sealed class Payload
    {
        [JsonPropertyName("auth_typ")]
        public string? AuthType { get; set; }

        [JsonPropertyName("name_typ")]
        public string? NameType { get; set; }

        [JsonPropertyName("role_typ")]
        public string? RoleType { get; set; }

        [JsonPropertyName("claims")]
        public List<Claim>? Claims { get; set; }
    }

    private sealed class Claim
    {
        [JsonPropertyName("typ")]
        public string? Typ { get; set; }

        [JsonPropertyName("val")]
        public string? Val { get; set; }
    }
#pragma warning restore CA1812
}
