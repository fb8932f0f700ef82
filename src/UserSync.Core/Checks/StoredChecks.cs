using System.Text.Json;
using System.Text.Json.Serialization;

namespace UserSync.Core.Checks;

/// <summary>A run's checks as monitoring_log.checks stores them (jsonb: check_name, severity, passed, observed, expected).</summary>
public static class StoredChecks
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<CheckResult> Parse(string json) =>
        (JsonSerializer.Deserialize<List<Row>>(json, Json) ?? []).Select(c => c.ToResult()).ToList();

#pragma warning disable CA1812 // System.Text.Json instantiates it.
    private sealed class Row
    {
        [JsonPropertyName("check_name")]
        public string CheckName { get; set; } = "";
        public string Severity { get; set; } = "";
        public bool Passed { get; set; }
        public string Observed { get; set; } = "";
        public string Expected { get; set; } = "";

        public CheckResult ToResult() =>
            new(CheckName, Enum.Parse<CheckSeverity>(Severity, ignoreCase: true), Passed, Observed, Expected);
    }
#pragma warning restore CA1812
}
