using System.Text.RegularExpressions;

namespace UserSync.FunctionsHost.App;

/// <summary>App settings as the host resolves them for bindings: the given settings first, then the environment.</summary>
internal sealed partial class AppSettings(IReadOnlyDictionary<string, string?> settings)
{
    public string? Get(string name)
    {
        foreach (var candidate in new[] { name, name.Replace(":", "__", StringComparison.Ordinal), name.Replace("__", ":", StringComparison.Ordinal) })
        {
            if (settings.TryGetValue(candidate, out var value) && value is not null)
            {
                return value;
            }

            if (Environment.GetEnvironmentVariable(candidate) is { } fromEnvironment)
            {
                return fromEnvironment;
            }
        }

        return null;
    }

    /// <summary>Replaces each <c>%Name%</c> with the setting, as the host's name resolver does for binding properties.</summary>
    public string Resolve(string value, string what) => Placeholder().Replace(value, match =>
        Get(match.Groups[1].Value) ?? throw new FunctionAppException($"{what} names the app setting {match.Groups[1].Value}, which is not set"));

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Placeholder();
}
