using Microsoft.Extensions.DependencyInjection;
using UserSync.Core.Store;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Runs;
using UserSync.Testing;

namespace UserSync.Core.Tests.Integration;

[Collection(PostgresClusterDefinition.Name)]
public sealed class CheckRunnerIntegrationTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task A_run_over_ghosts_is_critical_and_fires_for_ghost_users_and_count_parity()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(2);
        await db.AddGhostsAsync(5);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var outcome = await db.Runner(store).RunAsync("test", CancellationToken.None);

        Assert.Equal((CheckRunKind.Completed, SyncStatus.Critical, 2), (outcome.Kind, outcome.Run!.Status, outcome.ExitCode));
        Assert.Equal(
            [(CheckNames.GhostUsers, AlertStatus.Firing), (CheckNames.CountParity, AlertStatus.Firing)],
            outcome.Alerts.Select(a => (a.Check, a.Status)));
    }

    [Fact]
    public async Task A_check_still_failing_on_the_next_timer_run_re_notifies_with_its_streak_and_a_cli_run_between_does_not_break_it()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var first = await db.Runner(store).RunAsync(AlertSources.Timer, CancellationToken.None);
        await db.Runner(store).RunAsync(AlertSources.Cli, CancellationToken.None);
        var third = await db.Runner(store).RunAsync(AlertSources.Timer, CancellationToken.None);

        var before = first.Alerts.Single(a => a.Check == CheckNames.GhostUsers);
        var again = third.Alerts.Single(a => a.Check == CheckNames.GhostUsers);
        Assert.Null(before.FailingSince);
        Assert.Equal((AlertStatus.Firing, first.Run!.CheckedAt, 2), (again.Status, again.FailingSince, again.FailingRuns));
        Assert.Equal(before.DedupKey, again.DedupKey);
        Assert.NotEqual(before.AlertId, again.AlertId);
    }

    [Fact]
    public async Task The_ghost_alert_carries_masked_samples_and_no_alert_carries_a_full_email()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(5);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var outcome = await db.Runner(store).RunAsync("test", CancellationToken.None);

        var samples = outcome.Alerts.Single(a => a.Check == CheckNames.GhostUsers).Samples;
        Assert.Equal(3, samples.Count);
        Assert.All(samples, s => Assert.Matches("^[0-9a-f]{8} g\\*\\*\\*@example\\.com$", s));
        var json = string.Join("\n", outcome.Alerts.Select(AlertJson.Serialize));
        Assert.Contains("***@", json, StringComparison.Ordinal);
        Assert.DoesNotMatch("ghost[0-9]+@", json);
    }

    [Fact]
    public async Task After_the_repair_the_next_run_is_healthy_and_resolves_exactly_the_checks_that_fired()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(2);
        await db.AddGhostsAsync(5);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var runner = db.Runner(store);
        var failing = await runner.RunAsync("test", CancellationToken.None);
        await store.RepairBatchAsync(100, dryRun: false, after: null, requestedBy: null, CancellationToken.None);

        var repaired = await runner.RunAsync("test", CancellationToken.None);

        Assert.Equal((CheckRunKind.Completed, SyncStatus.Healthy, 0), (repaired.Kind, repaired.Run!.Status, repaired.ExitCode));
        Assert.Equal(
            failing.Alerts.Select(a => (a.Check, AlertStatus.Resolved, a.DedupKey)),
            repaired.Alerts.Select(a => (a.Check, a.Status, a.DedupKey)));
    }

    [Fact]
    public async Task A_cli_run_between_two_timer_runs_does_not_take_the_resolved_alerts_from_the_second_timer_run()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var runner = db.Runner(store);
        await runner.RunAsync(AlertSources.Timer, CancellationToken.None);
        await store.RepairBatchAsync(100, dryRun: false, after: null, requestedBy: null, CancellationToken.None);
        await runner.RunAsync(AlertSources.Cli, CancellationToken.None);

        var timer = await runner.RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Equal(
            [(CheckNames.GhostUsers, AlertStatus.Resolved), (CheckNames.CountParity, AlertStatus.Resolved)],
            timer.Alerts.Select(a => (a.Check, a.Status)));
    }

    [Fact]
    public async Task A_run_while_another_store_holds_the_run_lock_is_already_running_and_records_nothing()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var holderServices = db.Services();
        var holder = holderServices.GetRequiredService<IUserSyncStore>();
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await using var runLock = await holder.TryAcquireRunLockAsync(CancellationToken.None);
        Assert.NotNull(runLock);

        var outcome = await db.Runner(store).RunAsync("test", CancellationToken.None);

        Assert.Equal((CheckRunKind.AlreadyRunning, 3), (outcome.Kind, outcome.ExitCode));
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task A_released_run_lock_can_be_taken_by_the_next_run()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var holderServices = db.Services();
        var holder = holderServices.GetRequiredService<IUserSyncStore>();
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var runLock = await holder.TryAcquireRunLockAsync(CancellationToken.None);
        Assert.NotNull(runLock);
        await runLock.DisposeAsync();

        var outcome = await db.Runner(store).RunAsync("test", CancellationToken.None);

        Assert.Equal(CheckRunKind.Completed, outcome.Kind);
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Of_two_concurrent_runs_one_completes_the_other_is_already_running_and_one_row_is_recorded()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var firstStoreServices = db.Services();
        var firstStore = firstStoreServices.GetRequiredService<IUserSyncStore>();
        await using var secondStoreServices = db.Services();
        var secondStore = secondStoreServices.GetRequiredService<IUserSyncStore>();
        CheckRunOutcome first;
        CheckRunOutcome second;
        // The first run takes the run lock, then waits on monitoring_log while the second one starts.
        await using (var tableLock = await db.LockMonitoringLogAsync())
        {
            var firstRun = db.Runner(firstStore).RunAsync("first", CancellationToken.None);
            await db.WaitUntilMonitorWaitsForALockAsync();
            second = await db.Runner(secondStore).RunAsync("second", CancellationToken.None);
            await tableLock.DisposeAsync();
            first = await firstRun;
        }

        Assert.Equal((CheckRunKind.Completed, CheckRunKind.AlreadyRunning), (first.Kind, second.Kind));
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task A_statement_that_outlives_the_statement_timeout_makes_the_run_could_not_run()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services(statementTimeoutSeconds: 1);
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var runner = db.Runner(store, statementTimeoutSeconds: 1);
        // A first run leaves the store's connections in its pool: the timeout must hold on reused connections too.
        Assert.Equal(CheckRunKind.Completed, (await runner.RunAsync("test", CancellationToken.None)).Kind);
        CheckRunOutcome outcome;
        await using (await db.LockMonitoringLogAsync())
        {
            outcome = await runner.RunAsync("test", CancellationToken.None);
        }

        Assert.Equal((CheckRunKind.CouldNotRun, 3), (outcome.Kind, outcome.ExitCode));
        Assert.Contains("statement timeout", outcome.FailureReason, StringComparison.Ordinal);
        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal((CheckNames.MonitorFailed, CheckSeverity.Critical, AlertStatus.Firing), (alert.Check, alert.Severity, alert.Status));
    }
}
