using System.Text.Json.Nodes;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

/// <summary>What the dispatcher accepts from the queue: exactly what the planner writes, nothing looser.</summary>
public sealed class AlertMessageReaderTests
{
    private static readonly AlertPlanner Planner = new("prod", "https://runbooks.example/usersync.md");

    private static readonly string Valid = AlertJson.Serialize(Planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers), null,
        new Dictionary<string, IReadOnlyList<string>> { [CheckNames.GhostUsers] = ["0123abcd j***@example.com"] })[0]);

    /// <summary>A change to the valid message, and the words the reason must contain.</summary>
    public static TheoryData<string, Action<JsonObject>, string> Invalid => new()
    {
        { "schemaVersion as a string", m => m["schemaVersion"] = "1", "schemaVersion must be the integer 1" },
        { "schemaVersion missing", m => m.Remove("schemaVersion"), "schemaVersion must be the integer 1" },
        { "schemaVersion 2", m => m["schemaVersion"] = 2, "schemaVersion must be the integer 1" },
        { "schemaVersion 1.5", m => m["schemaVersion"] = 1.5, "schemaVersion must be the integer 1" },
        { "a 64 KB observed value", m => m["observed"] = new string('9', 64 * 1024), "larger than 65536 bytes" },
        { "a 2 KB observed value", m => m["observed"] = new string('9', 2048), "observed is longer than 1024 characters" },
        { "a long sample", m => m["samples"] = new JsonArray(new string('x', 300)), "samples holds an entry longer than 256" },
        { "too many samples", m => m["samples"] = new JsonArray(Enumerable.Range(0, 21).Select(i => (JsonNode)$"s{i}").ToArray()), "more than 20" },
        { "a javascript: runbook", m => m["runbookUrl"] = "javascript:alert(document.cookie)", "runbookUrl must be an absolute https URL" },
        { "an http runbook", m => m["runbookUrl"] = "http://runbooks.example/usersync.md", "runbookUrl must be an absolute https URL" },
        { "a relative runbook", m => m["runbookUrl"] = "/runbook", "runbookUrl must be an absolute https URL" },
        { "an unknown member", m => m["extra"] = "x", "extra is malformed or not a known member" },
        { "a missing check", m => m.Remove("check"), "a required member is missing" },
        { "a null check", m => m["check"] = null, "check is malformed" },
        { "an unknown severity", m => m["severity"] = "apocalyptic", "severity is malformed" },
        { "a severity as a number", m => m["severity"] = 1, "severity is malformed" },
        { "a status as a number", m => m["status"] = 0, "status is malformed" },
        { "an odd check name", m => m["check"] = "Ghost Users!", "check must be" },
        { "an odd environment", m => m["environment"] = "PROD env", "environment must be" },
        { "an empty alert id", m => m["alertId"] = "", "alertId is empty" },
        { "a long dedup key", m => m["dedupKey"] = new string('k', 256), "dedupKey is longer than 255" },
        { "an empty run id", m => m["runId"] = Guid.Empty.ToString(), "runId is empty" },
        { "a run id that is not a guid", m => m["runId"] = "run-1", "runId is malformed" },
        { "failingRuns as a string", m => m["failingRuns"] = "2", "failingRuns is malformed" },
    };

    [Fact]
    public void What_the_planner_writes_reads_back_unchanged()
    {
        Assert.True(AlertMessageReader.TryRead(Valid, out var alert, out var reason), reason);
        Assert.Equal(Valid, AlertJson.Serialize(alert));
    }

    [Fact]
    public void A_repeat_with_its_streak_reads_back_unchanged()
    {
        var repeat = AlertJson.Serialize(AlertMessageFrom(Valid) with { FailingSince = TestRuns.CheckedAt.AddDays(-2), FailingRuns = 3 });

        Assert.True(AlertMessageReader.TryRead(repeat, out var alert, out var reason), reason);
        Assert.Equal(3, alert.FailingRuns);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_message_is_rejected_with_a_reason_that_names_what_is_wrong(string kind, Action<JsonObject> change, string expected)
    {
        var message = JsonNode.Parse(Valid)!.AsObject();
        change(message);

        Assert.False(AlertMessageReader.TryRead(message.ToJsonString(), out var alert, out var reason), kind);
        Assert.Null(alert);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the message is empty")]
    [InlineData("   ", "the message is empty")]
    [InlineData(null, "the message is empty")]
    [InlineData("ghost_users firing!!! {oops", "not valid JSON")]
    [InlineData("[]", "not a JSON object (Array)")]
    [InlineData("\"a string\"", "not a JSON object (String)")]
    [InlineData("null", "not a JSON object (Null)")]
    public void A_garbled_message_is_rejected(string? body, string expected)
    {
        Assert.False(AlertMessageReader.TryRead(body, out _, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_message_is_not_valid_JSON()
    {
        Assert.False(AlertMessageReader.TryRead(Valid[..(Valid.Length / 2)], out _, out var reason));
        Assert.Contains("not valid JSON", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_member_is_rejected()
    {
        var duplicated = Valid.Replace("\"check\":", "\"check\":\"ghost_users\",\"check\":", StringComparison.Ordinal);

        Assert.False(AlertMessageReader.TryRead(duplicated, out _, out var reason));
        Assert.Contains("check", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_in_a_value_is_rejected_not_thrown()
    {
        var lone = Valid.Replace("\"observed\":\"3\"", "\"observed\":\"\\ud800\"", StringComparison.Ordinal);

        Assert.False(AlertMessageReader.TryRead(lone, out _, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void The_reason_never_repeats_the_value_it_rejects()
    {
        var message = JsonNode.Parse(Valid)!.AsObject();
        message["runbookUrl"] = "javascript:steal('secret-token')";

        Assert.False(AlertMessageReader.TryRead(message.ToJsonString(), out _, out var reason));
        Assert.DoesNotContain("secret-token", reason, StringComparison.Ordinal);
    }

    private static AlertMessage AlertMessageFrom(string json) => AlertJson.Deserialize(json);
}
