using System.Text.Json;
using UserSync.Core.Alerts;

namespace UserSync.Core.Reports;

/// <summary>The report as JSON: the shape of GET /api/user-sync/report and `usersync report --format json` (camelCase, indented).</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(AlertJson.Options) { WriteIndented = true };

    public static string Serialize(SuccessReport report) => JsonSerializer.Serialize(report, Options);
}
