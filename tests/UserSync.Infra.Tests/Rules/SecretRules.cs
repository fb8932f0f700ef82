using System.Text.Json;
using System.Text.RegularExpressions;
using UserSync.Infra.Tests.Bicep;

namespace UserSync.Infra.Tests.Rules;

/// <summary>No secret in plain text: not in the templates, not as a default, not as an output, not in an app setting, not in the sample settings.</summary>
internal static partial class SecretRules
{
    /// <summary>Credential-shaped literals and key-listing functions in any infra file (or azure.yaml).</summary>
    public static IReadOnlyList<string> PlainText(IReadOnlyDictionary<string, string> files) =>
        files.SelectMany(f => CredentialLiteral().Matches(f.Value).Select(m => $"{f.Key}: \"{m.Value}\" looks like a credential in plain text (keys and passwords stay in Key Vault)."))
            .ToList();

    /// <summary>A <c>@secure()</c> parameter must not have a default: the value comes from the operator, never from the repository.</summary>
    public static IReadOnlyList<string> SecureParameterDefaults(InfraTemplate infra) =>
        infra.Params.Where(p => p.Secure && p.Default is not null)
            .Select(p => $"@secure() param {p.Name} (infra/{p.File}) has a default value.")
            .ToList();

    /// <summary>No output returns a secret: azd writes every output to .azure/&lt;env&gt;/.env in plain text.</summary>
    public static IReadOnlyList<string> SecretOutputs(InfraTemplate infra)
    {
        var problems = new List<string>();
        foreach (var file in infra.Files)
        {
            var secureParams = file.Params().Where(p => p.Secure).Select(p => p.Name).ToList();
            foreach (var output in file.Outputs())
            {
                if (output.Secure
                    || SecretExpression().IsMatch(output.Value)
                    || secureParams.Any(p => Regex.IsMatch(output.Value, $@"\b{Regex.Escape(p)}\b", RegexOptions.None, TimeSpan.FromSeconds(1))))
                {
                    problems.Add($"Output {output.Name} (infra/{file.Path}) returns a secret: {output.Value}");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// The database connection string reaches the app only as a Key Vault reference resolved by
    /// the user-assigned identity, and no app setting takes a secure parameter's value directly.
    /// </summary>
    public static IReadOnlyList<string> ConnectionStringIsKeyVaultReference(InfraTemplate infra)
    {
        const string Setting = "UserSync__ConnectionString";
        var problems = new List<string>();
        var settings = infra.AppSettings.Where(s => s.Name == Setting).ToList();
        if (settings.Count == 0)
        {
            problems.Add($"{Setting} is not set.");
        }

        foreach (var setting in settings.Where(s => !KeyVaultReference().IsMatch(s.Value)))
        {
            problems.Add($"{Setting} (infra/{setting.File}) is not a Key Vault reference '@Microsoft.KeyVault(SecretUri=...)': {setting.Value}");
        }

        foreach (var file in infra.Files)
        {
            var secureParams = file.Params().Where(p => p.Secure).Select(p => p.Name).ToList();
            foreach (var setting in infra.AppSettings.Where(s => s.File == file.Path))
            {
                if (secureParams.Any(p => Regex.IsMatch(setting.Value, $@"\b{Regex.Escape(p)}\b", RegexOptions.None, TimeSpan.FromSeconds(1))))
                {
                    problems.Add($"App setting {setting.Name} (infra/{file.Path}) holds a secure parameter's value in plain text.");
                }
            }
        }

        var sites = infra.Resources.Where(r => r.TypeName == "Microsoft.Web/sites" && !r.Existing).ToList();
        if (sites.Count == 0 || sites.Any(s => s.Members("properties").All(e => e.Key != "keyVaultReferenceIdentity")))
        {
            problems.Add("The function app does not set keyVaultReferenceIdentity, so Key Vault references would resolve as an identity it does not have.");
        }

        return problems;
    }

    /// <summary>main.parameters.json maps each secure parameter to an environment variable; it never holds the value.</summary>
    public static IReadOnlyList<string> ParametersFile(InfraTemplate infra, string parametersJson)
    {
        using var document = JsonDocument.Parse(parametersJson);
        var parameters = document.RootElement.GetProperty("parameters");
        var problems = new List<string>();
        foreach (var param in infra.Main.Params().Where(p => p.Secure))
        {
            if (parameters.TryGetProperty(param.Name, out var entry)
                && !(entry.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && EnvironmentReference().IsMatch(value.GetString()!)))
            {
                problems.Add($"main.parameters.json gives @secure() param {param.Name} a value instead of an environment reference like \"${{USERSYNC_...}}\".");
            }
        }

        return problems;
    }

    /// <summary>local.settings.sample.json holds placeholders only: every password, key or signature inside it is a &lt;placeholder&gt;.</summary>
    public static IReadOnlyList<string> SampleSettings(string sampleJson)
    {
        using var document = JsonDocument.Parse(sampleJson);
        var problems = new List<string>();
        foreach (var setting in document.RootElement.GetProperty("Values").EnumerateObject())
        {
            var value = setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString()! : setting.Value.GetRawText();
            foreach (Match m in SecretField().Matches(value))
            {
                if (!Placeholder().IsMatch(m.Groups["value"].Value))
                {
                    problems.Add($"local.settings.sample.json: {setting.Name} has {m.Groups["field"].Value}= with a value that is not a <placeholder>.");
                }
            }

            if (SecretName().IsMatch(setting.Name) && value.Length > 0 && !Placeholder().IsMatch(value))
            {
                problems.Add($"local.settings.sample.json: {setting.Name} holds a value that is not a <placeholder>.");
            }
        }

        return problems;
    }

    [GeneratedRegex(@"(?i)\b(?:password|pwd|accountkey|sharedaccesskey|instrumentationkey)\s*=|sharedaccesssignature|[?&;]sig=|\blist(?:Keys|Secrets|ConnectionStrings|AccountSas|ServiceSas)\s*\(")]
    private static partial Regex CredentialLiteral();

    [GeneratedRegex(@"(?i)\blist\w*\(|\.properties\.(?:ConnectionString|InstrumentationKey|primaryKey|secondaryKey|value)\b|\bconnectionString\b")]
    private static partial Regex SecretExpression();

    [GeneratedRegex(@"^'@Microsoft\.KeyVault\((?:SecretUri=|VaultName=)")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")]
    private static partial Regex EnvironmentReference();

    [GeneratedRegex(@"(?i)\b(?<field>password|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sig)\s*=\s*(?<value>[^;]*)")]
    private static partial Regex SecretField();

    [GeneratedRegex(@"^<[^<>]+>$")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?i)(?:password|secret|token|apikey|accountkey|webhookurl|routingkey)$")]
    private static partial Regex SecretName();
}
