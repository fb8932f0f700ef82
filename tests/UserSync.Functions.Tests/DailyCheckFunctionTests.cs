using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Npgsql;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Store;
using UserSync.Functions.Functions;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>DailyCheck called as the worker calls it after binding the timer, against a real database.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class DailyCheckFunctionTests(PostgresClusterFixture fixture)
{
    private static readonly TimerInfo OnSchedule = new()
    {
        ScheduleStatus = new ScheduleStatus { Last = DateTime.UtcNow.AddDays(-1), Next = DateTime.UtcNow.AddDays(1), LastUpdated = DateTime.UtcNow },
    };

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task A_healthy_run_is_recorded_from_the_timer_and_queues_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);

        var output = await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        Assert.Null(output.Alerts);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from user_sync.monitoring_log where source = 'timer' and status = 'healthy'"));
    }

    [Fact]
    public async Task A_past_due_timer_still_runs_and_logs_a_warning_that_says_so()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);

        await app.Function<DailyCheckFunction>().RunAsync(new TimerInfo { IsPastDue = true, ScheduleStatus = null }, CancellationToken.None);

        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Ghosts_queue_firing_ghost_users_and_count_parity_messages_as_JSON_objects_with_masked_samples()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(4);
        await using var app = TestApp.Create(db.ConnectionString);

        var output = await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        var texts = Assert.IsType<string[]>(output.Alerts);
        Assert.All(texts, t => Assert.Equal(System.Text.Json.JsonValueKind.Object, Json.Parse(t).ValueKind));
        var messages = texts.Select(t => AlertMessageReader.TryRead(t, out var alert, out var reason) ? alert : throw new Xunit.Sdk.XunitException(reason)).ToList();
        Assert.Equal([CheckNames.CountParity, CheckNames.GhostUsers], messages.Select(m => m.Check).Order(StringComparer.Ordinal));
        Assert.All(messages, m =>
        {
            Assert.Equal((AlertStatus.Firing, CheckSeverity.Critical, "test"), (m.Status, m.Severity, m.Environment));
            Assert.Equal(AlertMessage.DedupKeyFor("test", m.Check), m.DedupKey);
        });
        var ghostAlert = messages.Single(m => m.Check == CheckNames.GhostUsers);
        Assert.Equal("4", ghostAlert.Observed);
        Assert.Equal(3, ghostAlert.Samples.Count);
        Assert.All(ghostAlert.Samples, s => Assert.Matches(@"^[0-9a-f]{8} g\*\*\*@example\.com$", s));
        var everything = string.Join("\n", texts) + app.Logs.Text;
        Assert.All(members.Concat(ghosts), email => Assert.DoesNotContain(email, everything, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("critical", await db.ScalarAsync<string>("select status from user_sync.monitoring_log where source = 'timer'"));
    }

    [Fact]
    public async Task An_unreachable_database_is_an_outcome_that_queues_a_monitor_failed_alert_not_an_exception()
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var output = await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        var text = Assert.Single(Assert.IsType<string[]>(output.Alerts));
        Assert.True(AlertMessageReader.TryRead(text, out var alert, out var reason), reason);
        Assert.Equal((CheckNames.MonitorFailed, CheckSeverity.Critical, AlertStatus.Firing), (alert.Check, alert.Severity, alert.Status));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("CouldNotRun", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", text + app.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_another_run_holds_the_lock_nothing_is_recorded_or_queued()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);
        await using var otherRun = new NpgsqlConnection(db.AdminConnectionString);
        await otherRun.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(x'5553594E4331'::bigint)", otherRun))
        {
            await take.ExecuteNonQueryAsync();
        }

        var output = await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        Assert.Null(output.Alerts);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("AlreadyRunning", StringComparison.Ordinal));
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task An_unexpected_error_throws_so_the_retry_policy_runs_the_check_again()
    {
        var store = new Mock<IUserSyncStore>(MockBehavior.Strict);
        store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("a bug"));
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString, services: s => s.AddSingleton(store.Object));

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None));
    }

    [Fact]
    public async Task Every_message_DailyCheck_queues_is_one_AlertDispatcher_delivers_unchanged()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await db.AddOrphanAsync();
        var delivery = new RecordingAlertDelivery();
        await using var app = TestApp.Create(db.ConnectionString, services: s => s.AddSingleton<IAlertDelivery>(delivery));
        var queued = (await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None)).Alerts!;

        foreach (var message in queued)
        {
            var poisoned = await app.Function<AlertDispatcherFunction>().RunAsync(message, 1, "m-1", CancellationToken.None);
            Assert.Null(poisoned.Poison);
        }

        Assert.Equal(3, queued.Length);
        Assert.Equal(queued, delivery.Calls.Select(c => AlertJson.Serialize(c.Alert)));
    }
}
