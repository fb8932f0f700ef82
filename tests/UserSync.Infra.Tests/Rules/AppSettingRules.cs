using UserSync.Infra.Tests.Bicep;
using UserSync.Infra.Tests.Code;

namespace UserSync.Infra.Tests.Rules;

/// <summary>The app settings infra sets, held against the settings the code reads. Each method returns the problems it finds.</summary>
internal static class AppSettingRules
{
    /// <summary>Settings the code reads (and connections its bindings name) that no app setting provides.</summary>
    public static IReadOnlyList<string> Missing(SourceCode code, InfraTemplate infra)
    {
        var set = infra.AppSettings.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var required = code.SettingsRead
            .Concat(PlatformSettings.AlwaysRequired.Select(name => new CodeSetting(name, "required by the deployment brief")))
            .Where(s => !PlatformSettings.IsLeftUnset(s.Name))
            .GroupBy(s => s.Name, StringComparer.Ordinal);
        foreach (var setting in required)
        {
            // A collection, dictionary or nested options property is set through its children
            // ("...__Recipients__0", "...__Routes__Critical").
            if (!set.Contains(setting.Key) && !set.Any(name => name.StartsWith(setting.Key + "__", StringComparison.Ordinal)))
            {
                problems.Add($"{setting.Key} is read by the code ({setting.First().Origin}) but no app setting in infra sets it.");
            }
        }

        foreach (var connection in code.Connections.GroupBy(c => c.Name, StringComparer.Ordinal))
        {
            var name = connection.Key;
            var provided = set.Contains(name)
                || set.Contains($"{name}__accountName")
                || set.Contains($"{name}__serviceUri")
                || (set.Contains($"{name}__blobServiceUri") && set.Contains($"{name}__queueServiceUri"));
            if (!provided)
            {
                problems.Add($"Connection {name} ({connection.First().Origin}) is not configured: set {name}__accountName (identity-based) in infra.");
            }
        }

        return problems;
    }

    /// <summary>App settings that neither the code nor <see cref="PlatformSettings.ReadByPlatform"/> explains.</summary>
    public static IReadOnlyList<string> Unexplained(SourceCode code, InfraTemplate infra)
    {
        var read = code.SettingsRead.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var connections = code.Connections.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return infra.AppSettings
            .Where(s => !read.Contains(s.Name)
                && !read.Any(r => s.Name.StartsWith(r + "__", StringComparison.Ordinal))
                && !PlatformSettings.AlwaysRequired.Contains(s.Name)
                && !PlatformSettings.ReadByPlatform.ContainsKey(s.Name)
                && !IsConnectionSetting(s.Name, connections))
            .Select(s => $"{s.Name} (infra/{s.File}) is set but no code reads it and it is not in PlatformSettings.ReadByPlatform.")
            .ToList();
    }

    /// <summary>
    /// An identity-based connection must say which identity: the app has only a user-assigned
    /// identity, so "__credential" must be "managedidentity" and "__clientId" must be set. A
    /// connection must not be a connection string either (that would carry a key).
    /// </summary>
    public static IReadOnlyList<string> IdentityConnections(SourceCode code, InfraTemplate infra)
    {
        var settings = infra.AppSettings.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var name in code.Connections.Select(c => c.Name).Distinct(StringComparer.Ordinal))
        {
            if (settings.ContainsKey(name))
            {
                problems.Add($"{name} is set as a connection string; use the identity-based {name}__accountName, __credential and __clientId.");
            }

            if (!PlatformSettings.IdentityConnectionSuffixes.Any(suffix => settings.ContainsKey($"{name}__{suffix}")))
            {
                continue;
            }

            if (!settings.TryGetValue($"{name}__credential", out var credential) || BicepFile.Literal(credential) != "managedidentity")
            {
                problems.Add($"{name}__credential must be 'managedidentity' (the app runs as a user-assigned identity).");
            }

            if (!settings.ContainsKey($"{name}__clientId"))
            {
                problems.Add($"{name}__clientId must name the user-assigned identity's client id.");
            }
        }

        return problems;
    }

    /// <summary>App settings that do not belong on a Flex Consumption app.</summary>
    public static IReadOnlyList<string> NotOnFlexConsumption(InfraTemplate infra) =>
        infra.AppSettings
            .Where(s => PlatformSettings.NotOnFlexConsumption.ContainsKey(s.Name))
            .Select(s => $"{s.Name} (infra/{s.File}) must not be set on Flex Consumption: {PlatformSettings.NotOnFlexConsumption[s.Name]}.")
            .ToList();

    private static bool IsConnectionSetting(string name, IReadOnlySet<string> connections) =>
        PlatformSettings.IdentityConnectionSuffixes.Any(suffix => connections.Any(c => name == $"{c}__{suffix}"));
}
