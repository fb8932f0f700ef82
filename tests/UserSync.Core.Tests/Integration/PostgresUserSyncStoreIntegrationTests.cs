using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserSync.Core.Checks;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Core.Tests.Integration;

[Collection(PostgresClusterDefinition.Name)]
public sealed class PostgresUserSyncStoreIntegrationTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task RecordRunAsync_returns_the_recorded_run_with_its_counts()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(2);
        await db.AddGhostsAsync(3);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var run = await store.RecordRunAsync("test", CancellationToken.None);

        Assert.Equal(
            (5L, 2L, 3L, 0L, 3L, "enabled", true, SyncStatus.Critical, "test", db.Login),
            (run.AuthUsers, run.Profiles, run.GhostUsers, run.OrphanedProfiles, run.CountDifference, run.TriggerState,
             run.TriggerEnabled, run.Status, run.Source, run.RunBy));
    }

    [Fact]
    public async Task GetCleanupAuditAsync_pages_the_repair_batches_newest_first_with_their_ids_and_batch_size()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await store.RepairBatchAsync(2, dryRun: false, after: null, requestedBy: null, CancellationToken.None);
        var last = await store.RepairBatchAsync(2, dryRun: false, after: (await db.GuidsAsync("select id from public.users order by id"))[^1], requestedBy: null, CancellationToken.None);

        var newest = await store.GetCleanupAuditAsync(1, null, CancellationToken.None);
        var older = await store.GetCleanupAuditAsync(10, newest[0].Id, CancellationToken.None);

        Assert.Equal(("backfill_ghost_users", 1, 2, db.Login),
            (newest[0].Action, newest[0].AffectedCount, newest[0].BatchSize, newest[0].PerformedBy));
        Assert.Equal(last.Select(r => r.UserId), newest[0].AffectedIds);
        Assert.Equal(2, Assert.Single(older).AffectedCount);
        Assert.Equal(TimeSpan.Zero, newest[0].PerformedAt.Offset);
    }

    [Fact]
    public async Task RecordRunAsync_returns_the_four_checks_with_severity_and_outcome()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(2);
        await db.AddGhostsAsync(3);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var run = await store.RecordRunAsync("test", CancellationToken.None);

        Assert.Equal(
            [(CheckNames.GhostUsers, CheckSeverity.Critical, false),
             (CheckNames.OrphanedProfiles, CheckSeverity.Warning, true),
             (CheckNames.CountParity, CheckSeverity.Critical, false),
             (CheckNames.TriggerEnabled, CheckSeverity.Critical, true)],
            run.Checks.Select(c => (c.Name, c.Severity, c.Passed)));
        Assert.Equal(("3", "0"), run.Checks.Where(c => c.Name == CheckNames.GhostUsers).Select(c => (c.Observed, c.Expected)).Single());
    }

    [Fact]
    public async Task RecordRunAsync_of_a_database_in_sync_is_healthy()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(4);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var run = await store.RecordRunAsync("test", CancellationToken.None);

        Assert.Equal(SyncStatus.Healthy, run.Status);
        Assert.All(run.Checks, c => Assert.True(c.Passed));
    }

    [Fact]
    public async Task RecordRunAsync_with_only_orphaned_profiles_is_degraded()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(4);
        await db.AddOrphansAsync(2);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var run = await store.RecordRunAsync("test", CancellationToken.None);

        Assert.Equal((SyncStatus.Degraded, 2L), (run.Status, run.OrphanedProfiles));
    }

    [Fact]
    public async Task RecordRunAsync_stores_one_monitoring_log_row_per_call()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        await store.RecordRunAsync("test", CancellationToken.None);
        await store.RecordRunAsync("test", CancellationToken.None);

        Assert.Equal(2L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task GetLatestRunAsync_is_null_before_the_first_run()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var latest = await store.GetLatestRunAsync(CancellationToken.None);

        Assert.Null(latest);
    }

    [Fact]
    public async Task GetLatestRunAsync_returns_the_last_recorded_run()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await store.RecordRunAsync("first", CancellationToken.None);
        await db.AddGhostsAsync(1);
        var last = await store.RecordRunAsync("second", CancellationToken.None);

        var latest = await store.GetLatestRunAsync(CancellationToken.None);

        Assert.NotNull(latest);
        Assert.Equal((last.RunId, "second", 1L), (latest.RunId, latest.Source, latest.GhostUsers));
    }

    [Fact]
    public async Task GetLatestRunFromAsync_returns_the_newest_run_of_the_given_sources_only()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await store.RecordRunAsync("timer", CancellationToken.None);
        var newestTimer = await store.RecordRunAsync("timer", CancellationToken.None);
        await store.RecordRunAsync("cli", CancellationToken.None);

        var latest = await store.GetLatestRunFromAsync(["timer"], CancellationToken.None);

        Assert.Equal(newestTimer.RunId, latest?.RunId);
    }

    [Fact]
    public async Task GetLatestRunFromAsync_is_null_when_no_run_came_from_the_given_sources()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await store.RecordRunAsync("cli", CancellationToken.None);

        var latest = await store.GetLatestRunFromAsync(["timer"], CancellationToken.None);

        Assert.Null(latest);
    }

    [Fact]
    public async Task GetHistoryAsync_returns_the_runs_of_the_last_days_newest_first()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var first = await store.RecordRunAsync("first", CancellationToken.None);
        var second = await store.RecordRunAsync("second", CancellationToken.None);
        await _cluster.ExecuteAsync(db.Name, "update user_sync.monitoring_log set checked_at = now() - interval '9 days' where source = 'first'");
        var third = await store.RecordRunAsync("third", CancellationToken.None);

        var lastWeek = await store.GetHistoryAsync(7, CancellationToken.None);
        var lastTenDays = await store.GetHistoryAsync(10, CancellationToken.None);

        Assert.Equal([third.RunId, second.RunId], lastWeek.Select(r => r.RunId));
        Assert.Equal([third.RunId, second.RunId, first.RunId], lastTenDays.Select(r => r.RunId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public async Task GetHistoryAsync_rejects_days_outside_1_to_3650_with_sqlstate_22023(int days)
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var error = await Assert.ThrowsAsync<PostgresException>(() => store.GetHistoryAsync(days, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, error.SqlState);
        Assert.Equal("22023", error.SqlState);
    }

    [Fact]
    public async Task GetStatsAsync_measures_both_counts_ghosts_orphans_and_the_trigger()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(5);
        await db.AddGhostsAsync(2);
        await db.AddOrphansAsync(1);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var stats = await store.GetStatsAsync(CancellationToken.None);

        Assert.Equal((7L, 6L, 2L, 1L, 1L, "enabled", true),
            (stats.AuthUsers, stats.Profiles, stats.GhostUsers, stats.OrphanedProfiles, stats.CountDifference,
             stats.TriggerState, stats.TriggerEnabled));
    }

    [Fact]
    public async Task GetStatsAsync_reports_a_disabled_trigger()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await _cluster.ExecuteAsync(db.Name, "alter table auth.users disable trigger on_auth_user_created");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var stats = await store.GetStatsAsync(CancellationToken.None);

        Assert.Equal(("disabled", false), (stats.TriggerState, stats.TriggerEnabled));
    }

    [Fact]
    public async Task RepairBatchAsync_in_a_dry_run_lists_the_ghosts_and_writes_nothing()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var wouldRepair = await store.RepairBatchAsync(100, dryRun: true, after: null, requestedBy: null, CancellationToken.None);

        Assert.Equal(3, wouldRepair.Count);
        Assert.All(wouldRepair, r => Assert.False(r.Repaired));
        Assert.Equal(0L, await db.CountAsync("public.users"));
        Assert.Equal(0L, await db.CountAsync("user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task RepairBatchAsync_repairs_at_most_one_batch_of_ghosts_and_audits_it()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(5);
        var ghosts = await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var repaired = await store.RepairBatchAsync(3, dryRun: false, after: null, requestedBy: null, CancellationToken.None);

        Assert.Equal(ghosts.Take(3), repaired.Select(r => r.UserId));
        Assert.All(repaired, r => Assert.True(r.Repaired));
        Assert.Equal(ghosts.Skip(3), await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id"));
        Assert.Equal(3L, await _cluster.ScalarAsync<long>(db.Name, "select sum(affected_count) from user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task RepairBatchAsync_after_a_cursor_repairs_the_next_ghosts_and_leaves_the_earlier_ones()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(5);
        var ghosts = await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var repaired = await store.RepairBatchAsync(2, dryRun: false, after: ghosts[1], requestedBy: null, CancellationToken.None);

        Assert.Equal(ghosts.Skip(2).Take(2), repaired.Select(r => r.UserId));
        Assert.Equal([ghosts[0], ghosts[1], ghosts[4]], await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id"));
    }

    [Fact]
    public async Task GhostRepair_resumes_each_batch_after_the_last_and_repairs_every_ghost_once()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(7);
        var ghosts = await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var seen = new List<GhostRepairProgress>();

        var progress = await GhostRepair.RepairAllAsync(store, 3, requestedBy: "test", mayStartBatch: null, seen.Add, CancellationToken.None);

        Assert.Equal(new GhostRepairProgress(7, 3, Complete: true), progress);
        Assert.Equal([3L, 6L, 7L], seen.Select(p => p.Repaired));
        Assert.Empty(await db.GuidsAsync("select user_id from user_sync.check_ghost_users()"));
        // One audit row per batch; each batch's cursor is the previous batch's last id.
        Assert.Equal($"-,{ghosts[2]},{ghosts[5]}", await _cluster.ScalarAsync<string>(db.Name,
            "select string_agg(coalesce(details ->> 'after_id', '-'), ',' order by id) from user_sync.cleanup_audit_log"));
        Assert.All(await store.GetCleanupAuditAsync(10, null, CancellationToken.None), e => Assert.Equal("test", e.RequestedBy));
    }

    [Fact]
    public async Task GhostRepair_stops_before_a_batch_when_told_and_reports_it_incomplete()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(5);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        var asked = 0;

        var progress = await GhostRepair.RepairAllAsync(store, 2, requestedBy: null, mayStartBatch: () => ++asked <= 2, onBatch: null, CancellationToken.None);

        Assert.Equal(new GhostRepairProgress(4, 2, Complete: false), progress);
        Assert.Single(await db.GuidsAsync("select user_id from user_sync.check_ghost_users()"));
    }

    [Fact]
    public async Task GhostRepair_cut_off_by_the_database_returns_how_far_it_got_instead_of_throwing()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(6);
        var ghosts = await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        await using var interruption = await RepairInterruption.AtGhostAsync(_cluster, db.Name, db.Login, ghosts[2]);

        var repair = GhostRepair.RepairAllAsync(store, 2, requestedBy: null, mayStartBatch: null, onBatch: null, CancellationToken.None);
        await interruption.CutOffAsync(TimeSpan.FromSeconds(30));
        var progress = await repair;

        Assert.Equal((2L, 1, false), (progress.Repaired, progress.Batches, progress.Complete));
        Assert.False(string.IsNullOrEmpty(progress.StoppedBy));
        Assert.DoesNotContain(db.Login, progress.StoppedBy, StringComparison.Ordinal);
        Assert.Equal(1L, await _cluster.ScalarAsync<long>(db.Name, "select count(*) from user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task RepairBatchAsync_keeps_the_created_at_of_the_ghost()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        var createdAt = await _cluster.ScalarAsync<DateTime>(db.Name, "select created_at from auth.users");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var repaired = Assert.Single(await store.RepairBatchAsync(10, dryRun: false, after: null, requestedBy: null, CancellationToken.None));

        Assert.Equal(new DateTimeOffset(createdAt), repaired.CreatedAt);
        Assert.Equal(createdAt, await _cluster.ScalarAsync<DateTime>(db.Name, "select created_at from public.users"));
    }

    [Fact]
    public async Task GetGhostsAsync_pages_by_keyset_cover_every_ghost_exactly_once_in_id_order()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(250);
        var ghosts = await db.GuidsAsync("select user_id from user_sync.check_ghost_users() order by user_id");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var (seen, pageSizes) = await PageAsync(store, () => Task.CompletedTask);

        Assert.Equal([40, 40, 40, 40, 40, 40, 10], pageSizes);
        Assert.Equal(ghosts, seen);
    }

    [Fact]
    public async Task GetGhostsAsync_pages_see_every_existing_ghost_once_while_new_ghosts_arrive()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(250);
        var existing = await db.GuidsAsync("select user_id from user_sync.check_ghost_users()");
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();
        using var stop = new CancellationTokenSource();
        using var inserted = new SemaphoreSlim(0);
        var inserter = InsertGhostsUntilStoppedAsync(db, inserted, stop.Token);

        List<Guid> seen;
        int insertedDuringPaging;
        try
        {
            // Before each page, wait for a ghost inserted after the previous page, so every page races a writer.
            (seen, _) = await PageAsync(store, async () =>
            {
                while (inserted.Wait(0))
                {
                }

                Assert.True(await inserted.WaitAsync(TimeSpan.FromSeconds(30)), "no ghost was inserted between two pages");
            });
        }
        finally
        {
            await stop.CancelAsync();
            insertedDuringPaging = await inserter;
        }

        Assert.True(insertedDuringPaging > 0);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(existing.Except(seen));
    }

    [Fact]
    public async Task GetOrphansAsync_lists_profiles_without_an_auth_user()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        await db.AddUsersAsync(3);
        await db.AddOrphansAsync(2);
        await using var storeServices = db.Services();
        var store = storeServices.GetRequiredService<IUserSyncStore>();

        var orphans = await store.GetOrphansAsync(10, null, CancellationToken.None);

        Assert.Equal(2, orphans.Count);
        Assert.All(orphans, o => Assert.StartsWith("orphan", o.Email, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sql_status_rule_agrees_with_SyncStatusPolicy_for_every_combination_of_check_outcomes()
    {
        var db = await MonitorDatabase.CreateAsync(_cluster);
        var disagreements = new List<string>();

        for (var mask = 0; mask < 16; mask++)
        {
            var checks = new[]
            {
                new CheckResult(CheckNames.GhostUsers, CheckSeverity.Critical, (mask & 1) == 0, "", ""),
                new CheckResult(CheckNames.OrphanedProfiles, CheckSeverity.Warning, (mask & 2) == 0, "", ""),
                new CheckResult(CheckNames.CountParity, CheckSeverity.Critical, (mask & 4) == 0, "", ""),
                new CheckResult(CheckNames.TriggerEnabled, CheckSeverity.Critical, (mask & 8) == 0, "", ""),
            };
            var json = "[" + string.Join(",", checks.Select(c =>
                $$"""{"check_name":"{{c.Name}}","severity":"{{c.Severity.ToString().ToLowerInvariant()}}","passed":{{(c.Passed ? "true" : "false")}}}""")) + "]";
            var sql = await _cluster.ScalarAsync<string>(db.Name, $"select user_sync.overall_status('{json}'::jsonb)");
            var csharp = SyncStatusPolicy.Decide(checks).ToString().ToLowerInvariant();
            if (sql != csharp)
            {
                disagreements.Add($"{json}: sql {sql}, c# {csharp}");
            }
        }

        Assert.Empty(disagreements);
    }

    private static async Task<(List<Guid> Seen, List<int> PageSizes)> PageAsync(
        IUserSyncStore store, Func<Task> beforeEachPage)
    {
        const int pageSize = 40;
        var seen = new List<Guid>();
        var sizes = new List<int>();
        Guid? after = null;
        while (true)
        {
            Assert.True(sizes.Count < 100, "paging did not end");
            await beforeEachPage();
            var page = await store.GetGhostsAsync(pageSize, after, CancellationToken.None);
            seen.AddRange(page.Select(g => g.UserId));
            sizes.Add(page.Count);
            if (page.Count < pageSize)
            {
                return (seen, sizes);
            }

            after = page[^1].UserId;
        }
    }

    private static async Task<int> InsertGhostsUntilStoppedAsync(MonitorDatabase db, SemaphoreSlim inserted, CancellationToken stop)
    {
        await Task.Yield();
        await using var connection = new NpgsqlConnection(db.Cluster.ConnectionString(db.Name, "supabase_admin", pooling: false));
        await connection.OpenAsync(CancellationToken.None);
        await using (var setup = new NpgsqlCommand("set session_replication_role = replica; set role supabase_auth_admin", connection))
        {
            await setup.ExecuteNonQueryAsync(CancellationToken.None);
        }

        var count = 0;
        while (!stop.IsCancellationRequested && count < 10_000)
        {
            await using var signup = new NpgsqlCommand("select standin.sign_up($1)", connection);
            signup.Parameters.AddWithValue($"late{count}@example.com");
            await signup.ExecuteScalarAsync(CancellationToken.None);
            count++;
            inserted.Release();
        }

        return count;
    }
}
