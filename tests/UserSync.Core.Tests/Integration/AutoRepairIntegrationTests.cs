using Microsoft.Extensions.DependencyInjection;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Core.Tests.Integration;

/// <summary>The incremental check, the check states, the repair lock and auto-repair on real PostgreSQL.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AutoRepairIntegrationTests(PostgresClusterFixture fixture)
{
    private static readonly AutoRepairOptions On = new() { Enabled = true, MaxGhosts = 100, BatchSize = 2 };

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task The_incremental_check_reads_only_the_rows_added_since_the_full_run_and_finds_the_ghosts_among_them()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(3000);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();
        await store.RecordRunAsync(AlertSources.Timer, CancellationToken.None);
        await db.AddGhostsAsync(3);
        await db.AddUsersAsync(20, "later");

        var run = await store.RecordIncrementalRunAsync(CancellationToken.None);

        Assert.Equal((AlertSources.Incremental, SyncStatus.Critical, 3L), (run.Source, run.Status, run.GhostUsers));
        Assert.InRange(run.AuthUsers, 23, 1500);
        Assert.Equal(run.AuthUsers - 3, run.Profiles);
        Assert.Equal([CheckNames.GhostUsers, CheckNames.TriggerEnabled], run.Checks.Select(c => c.Name));
        Assert.Equal("3", run.Checks[0].Observed);
    }

    [Fact]
    public async Task Without_a_mark_the_incremental_check_reads_every_row_and_it_sees_its_ghosts_again_until_they_are_repaired()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(500);
        await db.AddGhostsAsync(2);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();

        var first = await store.RecordIncrementalRunAsync(CancellationToken.None);
        await db.AddUsersAsync(5, "later");
        var second = await store.RecordIncrementalRunAsync(CancellationToken.None);
        await GhostRepair.RepairAllAsync(store, 10, "test", null, null, CancellationToken.None);
        var third = await store.RecordIncrementalRunAsync(CancellationToken.None);

        Assert.Equal((502L, 2L), (first.AuthUsers, first.GhostUsers));
        Assert.Equal(2L, second.GhostUsers);
        Assert.Equal((0L, SyncStatus.Healthy), (third.GhostUsers, third.Status));
    }

    [Fact]
    public async Task The_incremental_check_reports_a_disabled_trigger()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await _cluster.ExecuteAsync(db.Name, "alter table auth.users disable trigger on_auth_user_created");
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();

        var run = await store.RecordIncrementalRunAsync(CancellationToken.None);

        Assert.Equal(("disabled", false, SyncStatus.Critical), (run.TriggerState, run.TriggerEnabled, run.Status));
    }

    [Fact]
    public async Task The_status_is_the_newest_full_run_and_an_incremental_pass_of_ghost_users_is_not_a_check_state()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        // The ghost lies in the first pages, far below the incremental check's window.
        await db.AddGhostsAsync(1);
        await db.AddUsersAsync(3000);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();
        var full = await store.RecordRunAsync(AlertSources.Timer, CancellationToken.None);
        await store.RecordIncrementalRunAsync(CancellationToken.None);
        var incremental = await store.RecordIncrementalRunAsync(CancellationToken.None);

        var latest = await store.GetLatestRunAsync(CancellationToken.None);
        var states = (await store.GetLatestCheckStatesAsync(AlertSources.Delivering, CancellationToken.None)).ToDictionary(s => s.Check);

        Assert.Equal(full.RunId, latest!.RunId);
        Assert.Equal((false, full.RunId), (states[CheckNames.GhostUsers].Passed, states[CheckNames.GhostUsers].RunId));
        Assert.Equal((true, incremental.RunId), (states[CheckNames.TriggerEnabled].Passed, states[CheckNames.TriggerEnabled].RunId));
        Assert.Equal(full.RunId, states[CheckNames.OrphanedProfiles].RunId);
    }

    [Fact]
    public async Task The_repair_lock_is_held_by_one_session_of_any_process_at_a_time()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var first = db.Services();
        await using var second = db.Services();
        var storeA = first.GetRequiredService<IUserSyncStore>();
        var storeB = second.GetRequiredService<IUserSyncStore>();

        var held = await storeA.TryAcquireRepairLockAsync(CancellationToken.None);
        var refused = await storeB.TryAcquireRepairLockAsync(CancellationToken.None);
        var runLock = await storeB.TryAcquireRunLockAsync(CancellationToken.None);
        await held!.DisposeAsync();
        var after = await storeB.TryAcquireRepairLockAsync(CancellationToken.None);

        Assert.Null(refused);
        Assert.NotNull(runLock);
        Assert.NotNull(after);
        await runLock!.DisposeAsync();
        await after!.DisposeAsync();
    }

    [Fact]
    public async Task A_timer_run_with_auto_repair_repairs_in_audited_batches_as_auto_repair_and_resolves_in_its_recheck()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(10);
        await db.AddGhostsAsync(5);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();

        var outcome = await db.Runner(store, autoRepair: On).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Equal((5L, 3, true), (outcome.AutoRepair!.Repaired, outcome.AutoRepair.Batches, outcome.AutoRepair.Complete));
        Assert.Equal((AlertSources.AutoRepair, 0L, SyncStatus.Healthy), (outcome.Recheck!.Source, outcome.Recheck.GhostUsers, outcome.Recheck.Status));
        Assert.Equal(0, outcome.ExitCode);
        var ghost = outcome.Alerts.Where(a => a.Check == CheckNames.GhostUsers).ToList();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], ghost.Select(a => a.Status));
        Assert.Matches(@"^5 ghost users found and repaired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(auto-repair\)$", ghost[0].Observed);
        var audit = await store.GetCleanupAuditAsync(10, null, CancellationToken.None);
        Assert.Equal([1, 2, 2], audit.Select(a => a.AffectedCount));
        Assert.All(audit, a => Assert.Equal(AutoRepairOptions.RequestedBy, a.RequestedBy));
        Assert.Equal(0L, (await store.GetStatsAsync(CancellationToken.None)).GhostUsers);
    }

    [Fact]
    public async Task An_incremental_run_repairs_new_ghosts_and_the_full_recheck_resolves_and_the_next_incremental_run_is_quiet()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(200);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();
        await db.Runner(store, autoRepair: On).RunAsync(AlertSources.Timer, CancellationToken.None);
        await db.AddGhostsAsync(3);

        var outcome = await db.Runner(store, autoRepair: On).RunIncrementalAsync(CancellationToken.None);
        var next = await db.Runner(store, autoRepair: On).RunIncrementalAsync(CancellationToken.None);

        Assert.Equal((AlertSources.Incremental, 3L), (outcome.Run!.Source, outcome.Run.GhostUsers));
        Assert.Equal([(outcome.Run.RunId, AlertStatus.Firing), (outcome.Recheck!.RunId, AlertStatus.Resolved)],
            outcome.Alerts.Select(a => (a.RunId, a.Status)));
        Assert.Empty(next.Alerts);
        Assert.Null(next.AutoRepair);
    }

    [Fact]
    public async Task While_a_manual_repair_holds_the_lock_auto_repair_refuses_and_leaves_the_ghosts()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var manual = db.Services();
        await using var monitor = db.Services();
        var store = monitor.GetRequiredService<IUserSyncStore>();
        await using var held = await manual.GetRequiredService<IUserSyncStore>().TryAcquireRepairLockAsync(CancellationToken.None);

        var outcome = await db.Runner(store, autoRepair: On).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Equal((false, "another repair is running"), (outcome.AutoRepair!.Attempted, outcome.AutoRepair.RefusedBecause));
        Assert.Equal("2 ghost users; not auto-repaired: another repair is running",
            outcome.Alerts.Single(a => a.Check == CheckNames.GhostUsers).Observed);
        Assert.Null(outcome.Recheck);
        Assert.Equal(2L, (await store.GetStatsAsync(CancellationToken.None)).GhostUsers);
    }

    [Fact]
    public async Task Above_the_ceiling_auto_repair_refuses_and_repairs_nothing()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);
        await using var services = db.Services();
        var store = services.GetRequiredService<IUserSyncStore>();

        var outcome = await db.Runner(store, autoRepair: new AutoRepairOptions { Enabled = true, MaxGhosts = 3 })
            .RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.False(outcome.AutoRepair!.Attempted);
        Assert.Empty(await store.GetCleanupAuditAsync(10, null, CancellationToken.None));
        Assert.Equal(4L, (await store.GetStatsAsync(CancellationToken.None)).GhostUsers);
    }
}
