using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.FunctionsHost.Triggers;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// Auto-repair through the real worker process on PostgreSQL and Azurite: ghosts appear after the
/// daily check → one IncrementalCheck invocation finds them, repairs them (audited as
/// auto-repair), re-checks and queues the firing "found and repaired" and the resolved message,
/// which the dispatcher delivers. And the repair lock shared with the HTTP repair.
/// </summary>
[Collection(AutoRepairDefinition.Name)]
public sealed class AutoRepairLoopTests(AutoRepairWorker app) : IAsyncLifetime
{
    // PostgresUserSyncStore.RepairLockKey ("USYNR1"); this project sees the app only as a process.
    private const long RepairLockKey = 0x5553_594E_5231;

    public Task InitializeAsync() => app.ResetPeersAndQueuesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_incremental_check_finds_new_ghosts_repairs_them_and_resolves_and_the_channels_hear_both()
    {
        await app.Database.SignUpAsync(300, "before");
        var daily = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        Assert.True(daily.Succeeded, daily.Error);
        await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);
        app.Slack.Requests.Clear();
        await app.Database.AddGhostsAsync(3, "incident");

        var check = await app.Host.Timers.FireAsync("IncrementalCheck", new TimerFire(), CancellationToken.None);

        Assert.True(check.Succeeded, check.Error);
        var alerts = check.Enqueued.Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        Assert.Equal([("ghost_users", "firing"), ("ghost_users", "resolved")],
            alerts.Select(a => (a.GetProperty("check").GetString(), a.GetProperty("status").GetString())));
        Assert.Matches(@"^3 ghost users found and repaired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(auto-repair\)$",
            alerts[0].GetProperty("observed").GetString());
        Assert.Contains(check.Logs, l => l.Message.Contains("IncrementalCheck Completed", StringComparison.Ordinal));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>("select count(*) from user_sync.check_ghost_users()"));
        Assert.Equal(["auto-repair", "auto-repair"], await SourcesAndRequestersAsync());

        var dispatch = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        Assert.Equal((2, 0), (dispatch.Succeeded, dispatch.Poisoned));
        Assert.Contains(app.Slack.Requests, r => r.Body.Contains("found and repaired", StringComparison.Ordinal));
        Assert.Contains(app.Slack.Requests, r => r.Body.Contains("resolved", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["trigger", "resolve"], app.PagerDuty.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event_action").GetString()));
    }

    [Fact]
    public async Task While_another_session_holds_the_repair_lock_the_http_repair_answers_409_and_writes_nothing()
    {
        await using var holder = new NpgsqlConnection(app.Database.AdminConnectionString);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({RepairLockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var audits = await app.Database.CountAsync("user_sync.cleanup_audit_log");
        using var repair = await app.Http.PostAsync("api/user-sync/repair", new StringContent("""{"apply":true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Conflict, repair.StatusCode);
        Assert.Equal("application/problem+json", repair.Content.Headers.ContentType?.MediaType);
        Assert.Contains("repair is already running", await repair.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(audits, await app.Database.CountAsync("user_sync.cleanup_audit_log"));
    }

    // The newest audit row's requested_by and the newest run's source.
    private async Task<string[]> SourcesAndRequestersAsync() =>
    [
        await app.Database.ScalarAsync<string>("select details ->> 'requested_by' from user_sync.cleanup_audit_log order by id desc limit 1"),
        await app.Database.ScalarAsync<string>("select source from user_sync.monitoring_log order by id desc limit 1"),
    ];
}
