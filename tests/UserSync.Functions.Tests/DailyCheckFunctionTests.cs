using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using Npgsql;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Store;
using UserSync.Functions.Functions;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>POST /DailyCheck with the timer envelopes the Functions host sends, against a real database.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class DailyCheckFunctionTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    public static TheoryData<string, string> TimerEnvelopes => new()
    {
        { "ScheduleStatus object", HostEnvelopes.Timer(HostEnvelopes.TimerData(HostEnvelopes.ScheduleStatus, isPastDue: false)) },
        { "ScheduleStatus null", HostEnvelopes.Timer(HostEnvelopes.TimerData(null, isPastDue: false)) },
        { "timer data JSON-encoded as a string", HostEnvelopes.Timer(JsonValue.Create(HostEnvelopes.TimerData(null, isPastDue: false).ToJsonString())!) },
        { "no Metadata", new JsonObject { ["Data"] = new JsonObject { ["timer"] = HostEnvelopes.TimerData(null, isPastDue: false) } }.ToJsonString() },
    };

    [Fact]
    public async Task Ping_GET_root_answers_200_quickly_without_touching_the_database()
    {
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString);
        var watch = Stopwatch.StartNew();

        using var response = await handler.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"GET / took {watch.Elapsed}; the host gives up after 30 s");
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [MemberData(nameof(TimerEnvelopes))]
    public async Task DailyCheck_answers_the_envelope_with_alerts_output_only_and_an_empty_array_when_healthy(string shape, string envelope)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.PostJsonAsync("/DailyCheck", envelope);

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var outputs = body.GetProperty("Outputs");
        Assert.Equal(RepositoryFiles.Function(FunctionCatalog.DailyCheck).OutputBindingNames.Order(StringComparer.Ordinal),
            HandlerAssert.PropertyNames(outputs));
        var alerts = outputs.GetProperty("alerts");
        Assert.True(alerts.ValueKind == JsonValueKind.Array, $"{shape}: alerts is {alerts.ValueKind}");
        Assert.Equal(0, alerts.GetArrayLength());
        Assert.DoesNotContain(HandlerAssert.Logs(body), l => l.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from user_sync.monitoring_log where source = 'timer' and status = 'healthy'"));
    }

    [Fact]
    public async Task DailyCheck_past_due_timer_still_runs_and_says_past_due_in_Logs_and_the_log()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer(isPastDue: true));

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(handler.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Outputs").GetProperty("alerts").ValueKind);
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task DailyCheck_with_ghosts_queues_firing_ghost_users_and_count_parity_alerts_as_objects_with_masked_samples()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(4);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer());

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var alerts = body.GetProperty("Outputs").GetProperty("alerts");
        Assert.Equal(JsonValueKind.Array, alerts.ValueKind);
        Assert.All(alerts.EnumerateArray(), a => Assert.Equal(JsonValueKind.Object, a.ValueKind));
        var messages = alerts.EnumerateArray().Select(a => AlertJson.Deserialize(a.GetRawText())).ToList();
        Assert.Equal([CheckNames.CountParity, CheckNames.GhostUsers], messages.Select(m => m.Check).Order(StringComparer.Ordinal));
        Assert.All(messages, m =>
        {
            Assert.Equal(AlertStatus.Firing, m.Status);
            Assert.Equal(CheckSeverity.Critical, m.Severity);
            Assert.Equal("test", m.Environment);
            Assert.Equal(AlertMessage.CurrentSchemaVersion, m.SchemaVersion);
            Assert.Equal(AlertMessage.DedupKeyFor("test", m.Check), m.DedupKey);
        });
        var ghostAlert = messages.Single(m => m.Check == CheckNames.GhostUsers);
        Assert.Equal("4", ghostAlert.Observed);
        Assert.Equal(3, ghostAlert.Samples.Count);
        Assert.All(ghostAlert.Samples, s => Assert.Matches(@"^[0-9a-f]{8} g\*\*\*@example\.com$", s));
        var text = body.GetRawText();
        Assert.All(members.Concat(ghosts), email => Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("critical", await db.ScalarAsync<string>("select status from user_sync.monitoring_log where source = 'timer'"));
    }

    [Fact]
    public async Task DailyCheck_when_the_database_is_unreachable_still_answers_200_with_a_monitor_failed_alert()
    {
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString);

        using var response = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer());

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var alerts = body.GetProperty("Outputs").GetProperty("alerts");
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal(JsonValueKind.Object, alert.ValueKind);
        var message = AlertJson.Deserialize(alert.GetRawText());
        Assert.Equal(CheckNames.MonitorFailed, message.Check);
        Assert.Equal(CheckSeverity.Critical, message.Severity);
        Assert.Equal(AlertStatus.Firing, message.Status);
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains("CouldNotRun", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", handler.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyCheck_while_another_run_holds_the_lock_answers_200_with_no_alerts_and_records_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        await using var otherRun = new NpgsqlConnection(db.AdminConnectionString);
        await otherRun.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(x'5553594E4331'::bigint)", otherRun))
        {
            await take.ExecuteNonQueryAsync();
        }

        using var response = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer());

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        Assert.Equal(0, body.GetProperty("Outputs").GetProperty("alerts").GetArrayLength());
        Assert.Contains(HandlerAssert.Logs(body), l => l.Contains("AlreadyRunning", StringComparison.Ordinal));
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task DailyCheck_unexpected_error_answers_500_with_a_JSON_body_never_an_empty_one()
    {
        var store = new Mock<IUserSyncStore>(MockBehavior.Strict);
        store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("a bug"));
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString,
            b => b.Services.RemoveAll<IUserSyncStore>().AddSingleton(store.Object));

        using var response = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(text), "a 500 with an empty body");
        Assert.Equal(JsonValueKind.Object, Json.Parse(text).ValueKind);
        Assert.DoesNotContain("a bug", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyCheck_alerts_are_accepted_by_AlertDispatcher_when_the_host_queues_them()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        var delivery = new RecordingAlertDelivery();
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString,
            b => b.Services.RemoveAll<IAlertDelivery>().AddSingleton<IAlertDelivery>(delivery));
        using var check = await handler.PostJsonAsync("/DailyCheck", HostEnvelopes.Timer());
        var alerts = (await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, check)).GetProperty("Outputs").GetProperty("alerts");
        Assert.NotEqual(0, alerts.GetArrayLength());

        // The host writes each object of the array as one message; the trigger hands it back double-encoded.
        foreach (var alert in alerts.EnumerateArray())
        {
            using var dispatched = await handler.PostJsonAsync("/AlertDispatcher", HostEnvelopes.Queue(HostEnvelopes.DoubleEncoded(alert.GetRawText())));
            await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, dispatched);
        }

        var queued = alerts.EnumerateArray().Select(a => AlertJson.Serialize(AlertJson.Deserialize(a.GetRawText()))).ToList();
        var delivered = delivery.Calls.Select(c => AlertJson.Serialize(c.Alert)).ToList();
        Assert.True(queued.SequenceEqual(delivered), $"queued:\n{string.Join("\n", queued)}\ndelivered:\n{string.Join("\n", delivered)}");
    }
}
