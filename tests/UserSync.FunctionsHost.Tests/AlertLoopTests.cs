using System.Net;
using System.Text;
using System.Text.Json;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.FunctionsHost.Triggers;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// The whole alert path through the real worker process: ghosts in PostgreSQL → DailyCheck
/// (timer) → its queue output on Azurite → AlertDispatcher (queue trigger) → Slack, PagerDuty
/// and SendGrid on loopback, once each → repair through the HTTP function → the next run's
/// resolved notifications. And a channel that keeps failing: retried up to maxDequeueCount,
/// then poisoned.
/// </summary>
[Collection(AlertLoopDefinition.Name)]
public sealed class AlertLoopTests(AlertLoopWorker app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetPeersAndQueuesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DailyChecks_queue_output_lands_on_the_queue_as_alert_objects_the_dispatcher_reads()
    {
        await app.Database.AddGhostsAsync(2, "output");

        var check = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);

        Assert.True(check.Succeeded, check.Error);
        var queued = await QueueTriggerTests.BodiesAsync(app.Alerts);
        Assert.Equal(check.Enqueued.Select(m => m.Body).Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
        Assert.All(check.Enqueued, m => Assert.Equal(FunctionAppFixture.AlertsQueue, m.Queue));
        var alerts = queued.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.All(alerts, a => Assert.Equal(JsonValueKind.Object, a.ValueKind));
        Assert.Contains(alerts, a => a.GetProperty("check").GetString() == "ghost_users" && a.GetProperty("status").GetString() == "firing");
        Assert.All(alerts, a => Assert.Equal("test", a.GetProperty("environment").GetString()));

        var dispatch = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        Assert.Equal(alerts.Count, dispatch.Succeeded);
        Assert.Equal(0, dispatch.Poisoned);
        await RepairAndResolveAsync();
    }

    [Fact]
    public async Task Ghosts_reach_email_slack_and_pagerduty_once_and_the_repair_resolves_them_all_through_the_worker()
    {
        await app.Database.AddGhostsAsync(3, "loop");

        var check = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        Assert.True(check.Succeeded, check.Error);
        var queued = await QueueTriggerTests.BodiesAsync(app.Alerts);
        var first = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);
        Assert.Equal(queued.Count, first.Succeeded);

        // At least once: the same messages again reach no channel a second time.
        foreach (var body in queued)
        {
            await app.Alerts.SendMessageAsync(body);
        }

        var again = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);
        Assert.Equal(queued.Count, again.Succeeded);

        var firingSlack = app.Slack.Requests.Count;
        Assert.Equal(queued.Count, firingSlack);
        Assert.Equal(queued.Count, app.Email.Requests.Count);
        Assert.All(app.Email.Requests, r => Assert.Equal("/v3/mail/send", r.Path));
        Assert.All(app.Slack.Requests, r => Assert.Equal("/" + FunctionAppFixture.SlackSecretPath, r.Path));
        var trigger = JsonDocument.Parse(Assert.Single(app.PagerDuty.Requests).Body).RootElement;
        Assert.Equal("trigger", trigger.GetProperty("event_action").GetString());
        Assert.Equal("usersync:test:ghost_users", trigger.GetProperty("dedup_key").GetString());
        Assert.Equal(FunctionAppFixture.RoutingKey, trigger.GetProperty("routing_key").GetString());

        await RepairAndResolveAsync();

        Assert.Equal(2 * firingSlack, app.Slack.Requests.Count);
        Assert.Equal(2 * firingSlack, app.Email.Requests.Count);
        Assert.All(app.Slack.Requests.Skip(firingSlack), r => Assert.Contains("resolved", r.Body, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, app.PagerDuty.Requests.Count);
        var resolve = JsonDocument.Parse(app.PagerDuty.Requests.Last().Body).RootElement;
        Assert.Equal("resolve", resolve.GetProperty("event_action").GetString());
        Assert.Equal("usersync:test:ghost_users", resolve.GetProperty("dedup_key").GetString());
        Assert.DoesNotContain(app.Slack.Requests.Concat(app.PagerDuty.Requests).Concat(app.Email.Requests),
            r => r.Body.Contains("loop001@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_alert_whose_channel_keeps_failing_is_tried_maxDequeueCount_times_then_moved_to_the_poison_queue()
    {
        await app.Database.AddOrphanAsync("orphan-of-the-loop@example.com");
        var check = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        var warning = Assert.Single(check.Enqueued);
        app.Slack.Status = 500;

        var dispatch = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        var tries = app.Host.App.Host.Queues.MaxDequeueCount;
        Assert.Equal(tries, dispatch.Failed);
        Assert.Equal(1, dispatch.Poisoned);
        Assert.Equal(tries, app.Slack.Requests.Count);
        Assert.Equal([warning.Body], await QueueTriggerTests.BodiesAsync(app.Poison));
        Assert.Empty(await QueueTriggerTests.BodiesAsync(app.Alerts));
        Assert.All(dispatch.Invocations.Select((invocation, i) => (invocation, i)), x =>
            Assert.Contains(x.invocation.Logs, l => l.Message.Contains($"try {x.i + 1}", StringComparison.Ordinal)));

        // Leave the database healthy for the next test: no orphan, and the resolved run dispatched.
        app.Slack.Status = 200;
        await app.Cluster.ExecuteAsync(app.Database.Name, "delete from public.users where email = 'orphan-of-the-loop@example.com'");
        await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);
    }

    /// <summary>Repairs through the RepairGhosts HTTP function, then the next daily run queues the resolved alerts and they are delivered.</summary>
    private async Task RepairAndResolveAsync()
    {
        using var repair = await app.Http.PostAsync("api/user-sync/repair", new StringContent("""{"apply":true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, repair.StatusCode);
        Assert.Equal(0, await app.Database.ScalarAsync<long>("select count(*) from user_sync.check_ghost_users()"));

        var resolved = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        Assert.True(resolved.Succeeded, resolved.Error);
        Assert.NotEmpty(resolved.Enqueued);
        Assert.All(resolved.Enqueued, m => Assert.Contains("\"resolved\"", m.Body, StringComparison.Ordinal));
        var dispatch = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);
        Assert.Equal(resolved.Enqueued.Count, dispatch.Succeeded);
    }
}
