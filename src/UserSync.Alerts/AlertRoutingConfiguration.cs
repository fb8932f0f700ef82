using Microsoft.Extensions.Configuration;
using UserSync.Core.Alerts;

namespace UserSync.Alerts;

/// <summary>
/// Binds "UserSync:Alerts" from the app settings and, when "UserSync:Alerts:File" names one, a JSON
/// file holding <c>Receivers</c> and <c>Route</c> (docs/alerts.md): the file is read first and the
/// flat settings override it key by key, so the file can hold the tree and the addresses while the
/// secrets (webhooks, routing keys) come from Key Vault references in the app settings.
/// </summary>
public static class AlertRoutingConfiguration
{
    public const string FileSetting = AlertRoutingOptions.SectionName + ":File";

    private static readonly string[] FileSections = ["Receivers", "Route"];

    public static void Bind(IConfiguration configuration, AlertRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var path = configuration[FileSetting];
        IConfiguration effective = configuration;
        if (!string.IsNullOrWhiteSpace(path))
        {
            var (file, error) = ReadFile(path.Trim());
            if (error is not null)
            {
                options.FileError = error;
            }
            else
            {
                effective = new ConfigurationBuilder()
                    .AddInMemoryCollection(file!.AsEnumerable().Where(kv => kv.Value is not null)
                        .Select(kv => new KeyValuePair<string, string?>($"{AlertRoutingOptions.SectionName}:{kv.Key}", kv.Value)))
                    .AddConfiguration(configuration)
                    .Build();
            }
        }

        effective.GetSection(AlertRoutingOptions.SectionName).Bind(options);
    }

    private static (IConfiguration? File, string? Error) ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.File.Exists(full))
        {
            return (null, $"{FileSetting} names a file that does not exist (relative paths start at the working directory).");
        }

        IConfiguration file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // The parser's message may quote the file; the setting and the kind of problem are enough.
            return (null, $"{FileSetting} names a file that is not a readable JSON object ({ex.GetType().Name}).");
        }

        var unknown = file.GetChildren().Select(c => c.Key).Where(k => !FileSections.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        return unknown.Count > 0
            ? (null, $"{FileSetting}: the file holds {string.Join(" and ", FileSections)} only, not {string.Join(", ", unknown.Select(Printable))}.")
            : (file, null);
    }

    private static string Printable(string key) =>
        key.Length <= 32 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : "(a key)";
}
