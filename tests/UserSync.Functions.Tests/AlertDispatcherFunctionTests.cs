using Microsoft.Extensions.DependencyInjection;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Functions.Functions;

namespace UserSync.Functions.Tests;

/// <summary>
/// AlertDispatcher called as the worker calls it after binding a queue message; the delivery seam
/// (IAlertDelivery) is a recorder, so these need no database.
/// </summary>
public sealed class AlertDispatcherFunctionTests
{
    private static readonly AlertMessage Alert = new()
    {
        AlertId = "0f8fad5bd9cb469fa16570867728950e:ghost_users:firing",
        Environment = "test",
        Check = CheckNames.GhostUsers,
        Severity = CheckSeverity.Critical,
        Status = AlertStatus.Firing,
        Observed = "3",
        Expected = "0",
        Samples = ["0f8fad5b g***@example.com", "1a2b3c4d m***@example.com"],
        RunId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        DetectedAt = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero),
        RunbookUrl = "https://example.com/runbook.md#ghost-users",
        DedupKey = AlertMessage.DedupKeyFor("test", CheckNames.GhostUsers),
    };

    private static readonly string AlertText = AlertJson.Serialize(Alert);

    public static TheoryData<string, string> Undeliverable => new()
    {
        { "garbled (not JSON)", "ghost_users firing!!! {oops" },
        { "truncated JSON", AlertText[..(AlertText.Length / 2)] },
        { "empty", "" },
        { "a JSON array", $"[{AlertText}]" },
        { "an object that is not an alert", """{"hello":"world","severity":"critical"}""" },
        { "schemaVersion as a string", AlertText.Replace("\"schemaVersion\":1", "\"schemaVersion\":\"1\"", StringComparison.Ordinal) },
        { "schemaVersion missing", AlertText.Replace("\"schemaVersion\":1,", "", StringComparison.Ordinal) },
        { "a javascript: runbook link", AlertText.Replace("https://example.com/runbook.md#ghost-users", "javascript:alert(1)", StringComparison.Ordinal) },
        { "a 64 KB observed value", AlertText.Replace("\"observed\":\"3\"", $"\"observed\":\"{new string('9', 64 * 1024)}\"", StringComparison.Ordinal) },
    };

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task A_valid_message_is_delivered_with_its_dequeue_count_and_nothing_is_poisoned(long dequeueCount)
    {
        var delivery = new RecordingAlertDelivery();
        await using var app = App(delivery);

        var output = await app.Function<AlertDispatcherFunction>().RunAsync(AlertText, dequeueCount, "msg-1", CancellationToken.None);

        Assert.Null(output.Poison);
        var call = Assert.Single(delivery.Calls);
        Assert.Equal(AlertText, AlertJson.Serialize(call.Alert));
        Assert.Equal(dequeueCount, call.DequeueCount);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(Alert.AlertId, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Undeliverable))]
    public async Task A_message_that_can_never_be_delivered_goes_to_the_poison_queue_at_once_with_a_logged_reason(string kind, string body)
    {
        var delivery = new RecordingAlertDelivery();
        await using var app = App(delivery);

        var output = await app.Function<AlertDispatcherFunction>().RunAsync(body, 1, "msg-7", CancellationToken.None);

        Assert.Equal(body, output.Poison);
        Assert.Empty(delivery.Calls);
        var logged = Assert.Single(app.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains("msg-7 (try 1) to the poison queue", logged.Message, StringComparison.Ordinal);
        Assert.True(logged.Values.TryGetValue("Reason", out var reason) && reason is { Length: > 0 }, $"{kind}: no reason in '{logged}'");
        Assert.True(logged.Message.Length < 1000, $"{kind}: the log repeats the message ({logged.Message.Length} characters)");
    }

    [Fact]
    public async Task A_delivery_that_did_not_reach_every_channel_throws_after_logging_why_so_the_host_retries()
    {
        var delivery = new RecordingAlertDelivery(_ => new AlertDeliveryResult(false, "slack: failed 503"));
        await using var app = App(delivery);

        var error = await Assert.ThrowsAsync<AlertNotDeliveredException>(
            () => app.Function<AlertDispatcherFunction>().RunAsync(AlertText, 3, "msg-3", CancellationToken.None));

        Assert.Contains("slack: failed 503", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(delivery.Calls).DequeueCount);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error
                                               && e.Message.Contains("msg-3, try 3", StringComparison.Ordinal)
                                               && e.Message.Contains("slack: failed 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delivery_that_throws_lets_the_exception_through_for_the_host_to_retry()
    {
        var delivery = new RecordingAlertDelivery(_ => throw new InvalidOperationException("channel bug"));
        await using var app = App(delivery);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => app.Function<AlertDispatcherFunction>().RunAsync(AlertText, 1, "msg-1", CancellationToken.None));
    }

    [Fact]
    public async Task Without_channels_the_app_delivers_to_the_log_and_the_message_is_done()
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var output = await app.Function<AlertDispatcherFunction>().RunAsync(AlertText, 1, "msg-1", CancellationToken.None);

        Assert.Null(output.Poison);
        Assert.Contains(app.Logs.Entries, e => e.Message.StartsWith("ALERT [Critical] ghost_users Firing", StringComparison.Ordinal));
    }

    private static TestApp App(RecordingAlertDelivery delivery) =>
        TestApp.Create(TestApp.UnreachableConnectionString, services: s => s.AddSingleton<IAlertDelivery>(delivery));
}
