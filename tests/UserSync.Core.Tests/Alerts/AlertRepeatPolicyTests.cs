using System.Text.Json;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

public sealed class AlertRepeatPolicyTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoSamples = new Dictionary<string, IReadOnlyList<string>>();
    private static readonly DateTimeOffset Since = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private readonly AlertPlanner _planner = new("prod", "https://runbooks.example/usersync.md");

    [Fact]
    public void A_check_still_failing_re_notifies_with_since_when_and_the_run_number()
    {
        var previous = TestRuns.WithFailing(CheckNames.GhostUsers);
        var current = TestRuns.WithFailing(CheckNames.GhostUsers);

        var alert = Assert.Single(_planner.Plan(current, previous, NoSamples, [new FailureStreak(CheckNames.GhostUsers, Since, 3)]));

        Assert.Equal((AlertStatus.Firing, Since, 3), (alert.Status, alert.FailingSince, alert.FailingRuns));
        Assert.Equal("still failing since 2026-11-23 02:00 UTC, run 3", alert.RepeatNote());
        Assert.Equal(AlertMessage.DedupKeyFor("prod", CheckNames.GhostUsers), alert.DedupKey);
    }

    [Fact]
    public void A_first_failure_is_not_a_repeat()
    {
        var alert = Assert.Single(_planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers), TestRuns.WithFailing(), NoSamples,
            [new FailureStreak(CheckNames.GhostUsers, Since, 1)]));

        Assert.Null(alert.FailingSince);
        Assert.Null(alert.RepeatNote());
    }

    [Fact]
    public void A_repeat_serializes_its_streak_and_a_first_failure_keeps_the_version_1_shape()
    {
        var previous = TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.TriggerEnabled);
        var alerts = _planner.Plan(TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.TriggerEnabled), previous, NoSamples,
            [new FailureStreak(CheckNames.GhostUsers, Since, 2)]);

        using var repeat = JsonDocument.Parse(AlertJson.Serialize(alerts.Single(a => a.Check == CheckNames.GhostUsers)));
        using var first = JsonDocument.Parse(AlertJson.Serialize(alerts.Single(a => a.Check == CheckNames.TriggerEnabled)));

        Assert.Equal(2, repeat.RootElement.GetProperty("failingRuns").GetInt32());
        Assert.Equal(Since, repeat.RootElement.GetProperty("failingSince").GetDateTimeOffset());
        Assert.Equal(1, repeat.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.False(first.RootElement.TryGetProperty("failingSince", out _));
        Assert.False(first.RootElement.TryGetProperty("failingRuns", out _));
        var read = AlertJson.Deserialize(repeat.RootElement.GetRawText());
        Assert.Equal((Since, 2), (read.FailingSince, read.FailingRuns));
    }
}
