using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Functions.Functions;

namespace UserSync.Functions.Tests;

/// <summary>
/// POST /AlertDispatcher with queue-trigger envelopes as the Functions host sends them; the
/// delivery seam (IAlertDelivery) is a recorder, so these need no database.
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
        DetectedAt = HostEnvelopes.Now,
        RunbookUrl = "https://example.com/runbook.md#ghost-users",
        DedupKey = AlertMessage.DedupKeyFor("test", CheckNames.GhostUsers),
    };

    private static string AlertText => AlertJson.Serialize(Alert);

    /// <summary>What arrives, and the part of the reason the log must give for rejecting it.</summary>
    public static TheoryData<string, string, string> Rejected => new()
    {
        { "garbled (not JSON)", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded("ghost_users firing!!! {oops")), "not a JSON object (String)" },
        { "garbled (truncated JSON)", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertText[..(AlertText.Length / 2)])), "not a JSON object (String)" },
        { "empty string", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded("")), "not a JSON object (String)" },
        { "empty string, not re-encoded", HostEnvelopes.Queue(JsonValue.Create("")), "not a JSON object (String)" },
        { "missing Data", HostEnvelopes.Queue(null, withData: false), "the message is empty" },
        { "Data.alert null", HostEnvelopes.Queue(null), "the message is empty" },
        { "JSON array", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded($"[{AlertText}]")), "not a JSON object (Array)" },
        { "an object that is not an alert", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded("""{"hello":"world","severity":"critical"}""")), "not an alert" },
        { "an alert with an unknown severity", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertText.Replace("\"critical\"", "\"apocalyptic\"", StringComparison.Ordinal))), "not an alert" },
        { "unsupported schemaVersion", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertJson.Serialize(Alert with { SchemaVersion = 2 }))), "unsupported schemaVersion 2" },
        { "an invocation body that is not JSON", "this is not an envelope", "the invocation body is not a JSON object" },
        { "an invocation body that is a JSON array", "[]", "the invocation body is not a JSON object" },
    };

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("\"5\"", 5)]
    public async Task Double_encoded_message_is_decoded_and_delivered_with_its_dequeue_count(string dequeueCount, int expected)
    {
        var delivery = new RecordingAlertDelivery();
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher",
            HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertText), dequeueCount));

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        Assert.Equal(RepositoryFiles.Function(FunctionCatalog.AlertDispatcher).OutputBindingNames, HandlerAssert.PropertyNames(body.GetProperty("Outputs")));
        var call = Assert.Single(delivery.Calls);
        Assert.Equal(AlertText, AlertJson.Serialize(call.Alert));
        Assert.Equal(expected, call.DequeueCount);
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains(Alert.AlertId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Singly_encoded_message_text_is_delivered()
    {
        var delivery = new RecordingAlertDelivery();
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(JsonValue.Create(AlertText), "2"));

        await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var call = Assert.Single(delivery.Calls);
        Assert.Equal(AlertText, AlertJson.Serialize(call.Alert));
        Assert.Equal(2, call.DequeueCount);
    }

    [Fact]
    public async Task Message_that_arrives_as_a_JSON_object_is_delivered()
    {
        var delivery = new RecordingAlertDelivery();
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(JsonNode.Parse(AlertText)));

        await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        Assert.Equal(AlertText, AlertJson.Serialize(Assert.Single(delivery.Calls).Alert));
    }

    [Fact]
    public async Task Message_without_Metadata_is_delivered_as_a_first_try()
    {
        var delivery = new RecordingAlertDelivery();
        await using var handler = await StartAsync(delivery);
        var envelope = new JsonObject { ["Data"] = new JsonObject { ["alert"] = HostEnvelopes.DoubleEncoded(AlertText) } };

        using var response = await handler.PostJsonAsync("/AlertDispatcher", envelope.ToJsonString());

        await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var call = Assert.Single(delivery.Calls);
        Assert.Equal(AlertText, AlertJson.Serialize(call.Alert));
        Assert.Equal(1, call.DequeueCount);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task Bad_message_answers_500_with_an_envelope_logs_why_and_never_reaches_delivery(string kind, string envelope, string reason)
    {
        var delivery = new RecordingAlertDelivery();
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", envelope);

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.InternalServerError, response);
        Assert.Empty(delivery.Calls);
        var rejected = Assert.Single(handler.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.EndsWith(nameof(AlertDispatcherFunction), rejected.Category, StringComparison.Ordinal);
        Assert.True(rejected.Values.TryGetValue("Reason", out var logged), $"{kind}: no Reason in '{rejected}'");
        Assert.Contains(reason, logged, StringComparison.Ordinal);
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rejected_message_log_names_the_message_id_and_try_without_the_extra_quotes()
    {
        var delivery = new RecordingAlertDelivery();
        var id = Guid.NewGuid();
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded("garbage"), "4", id));

        await HandlerAssert.InvocationResponseAsync(HttpStatusCode.InternalServerError, response);
        var rejected = Assert.Single(handler.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains($"message {id} (try 4)", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_that_did_not_reach_every_channel_answers_500_so_the_host_retries()
    {
        var delivery = new RecordingAlertDelivery(_ => new AlertDeliveryResult(false, "slack: 503 after 3 tries"));
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertText), "3"));

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.InternalServerError, response);
        Assert.Equal(3, Assert.Single(delivery.Calls).DequeueCount);
        Assert.Contains(handler.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("slack: 503 after 3 tries", StringComparison.Ordinal));
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains("not delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delivery_that_throws_answers_500_with_a_non_empty_JSON_body()
    {
        var delivery = new RecordingAlertDelivery(_ => throw new InvalidOperationException("channel bug"));
        await using var handler = await StartAsync(delivery);

        using var response = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(AlertText)));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(text), "a 500 with an empty body");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, Json.Parse(text).ValueKind);
    }

    private static Task<HandlerServer> StartAsync(RecordingAlertDelivery delivery) =>
        HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString,
            b => b.Services.RemoveAll<IAlertDelivery>().AddSingleton<IAlertDelivery>(delivery));
}
