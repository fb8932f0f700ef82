using System.Text.Json;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

public sealed class AlertJsonTests
{
    private static readonly AlertMessage Message = new()
    {
        AlertId = "11111111222233334444555555555555:ghost_users:firing",
        Environment = "prod",
        Check = CheckNames.GhostUsers,
        Severity = CheckSeverity.Critical,
        Status = AlertStatus.Firing,
        Observed = "3",
        Expected = "0",
        Samples = ["0123abcd j***@example.com"],
        RunId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        DetectedAt = new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero),
        RunbookUrl = "https://runbooks.example/usersync.md#ghost-users",
        DedupKey = "usersync:prod:ghost_users",
    };

    [Fact]
    public void Serialize_names_every_property_in_camel_case()
    {
        using var json = JsonDocument.Parse(AlertJson.Serialize(Message));

        Assert.Equal(
            ["schemaVersion", "alertId", "environment", "check", "severity", "status", "observed", "expected", "samples",
             "runId", "detectedAt", "runbookUrl", "dedupKey"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Serialize_writes_enums_as_lower_case_strings()
    {
        using var json = JsonDocument.Parse(AlertJson.Serialize(Message));

        Assert.Equal("critical", json.RootElement.GetProperty("severity").GetString());
        Assert.Equal("firing", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Serialize_writes_the_current_schema_version()
    {
        using var json = JsonDocument.Parse(AlertJson.Serialize(Message));

        Assert.Equal(AlertMessage.CurrentSchemaVersion, json.RootElement.GetProperty("schemaVersion").GetInt32());
    }

    [Fact]
    public void Deserialize_reads_back_what_Serialize_wrote()
    {
        var json = AlertJson.Serialize(Message with { Status = AlertStatus.Resolved, Severity = CheckSeverity.Warning });

        var read = AlertJson.Deserialize(json);

        Assert.Equivalent(Message with { Status = AlertStatus.Resolved, Severity = CheckSeverity.Warning }, read, strict: true);
    }

    [Fact]
    public void Deserialize_rejects_a_json_null()
    {
        Assert.Throws<JsonException>(() => AlertJson.Deserialize("null"));
    }
}
