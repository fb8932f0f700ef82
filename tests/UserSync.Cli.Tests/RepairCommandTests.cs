using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class RepairCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Theory]
    [InlineData]
    [InlineData("--dry-run")]
    [InlineData("--dry-run", "--batch-size", "2")]
    public async Task Repair_without_apply_is_a_dry_run_that_writes_nothing(params string[] options)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(4);

        var result = await db.RunAsync(["repair", .. options]);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("Dry run: 4 ghost user(s) would get a profile", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was written.", result.Stdout, StringComparison.Ordinal);
        CliAssert.NoFullEmail(result, ghosts);
        await AssertNothingWrittenAsync(db, ghosts: 4);
    }

    [Fact]
    public async Task Repair_apply_while_another_session_holds_the_repair_lock_exits_3_and_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);
        await using var holder = new Npgsql.NpgsqlConnection(db.AdminConnectionString);
        await holder.OpenAsync();
        // PostgresUserSyncStore.RepairLockKey: the lock automatic and HTTP repairs take too.
        await using (var take = new Npgsql.NpgsqlCommand($"select pg_advisory_lock({UserSync.Core.Store.PostgresUserSyncStore.RepairLockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var result = await db.RunAsync("repair", "--apply", "--yes");

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        Assert.Contains("holds the repair lock; nothing was written", result.Stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db, ghosts: 4);
    }

    [Fact]
    public async Task Repair_apply_without_yes_exits_64_and_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);

        var result = await db.RunAsync("repair", "--apply");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--yes", result.Stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db, ghosts: 4);
    }

    [Fact]
    public async Task Repair_with_both_dry_run_and_apply_exits_64_and_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);

        var result = await db.RunAsync("repair", "--dry-run", "--apply", "--yes");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--dry-run", result.Stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db, ghosts: 4);
    }

    [Fact]
    public async Task Repair_apply_yes_repairs_every_ghost_in_batches_and_audits_each_batch()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await db.AddGhostsAsync(20);

        var result = await db.RunAsync("repair", "--apply", "--yes", "--batch-size", "7");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("Repaired 20 ghost user(s) in 3 batch(es) of up to 7", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("7,7,6", await db.ScalarAsync<string>(
            "select string_agg(affected_count::text, ',' order by id) from user_sync.cleanup_audit_log"));
        Assert.Equal(20L, await db.ScalarAsync<long>("select sum(affected_count) from user_sync.cleanup_audit_log"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal(23L, await db.CountAsync("public.users"));
    }

    [Fact]
    public async Task Repair_apply_yes_with_no_ghosts_writes_nothing_and_exits_0()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);

        var result = await db.RunAsync("repair", "--apply", "--yes");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("Repaired 0 ghost user(s) in 0 batch(es)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0L, await db.CountAsync("user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task Repair_cut_off_by_the_database_says_how_many_it_repaired_before_it_stopped_and_exits_3()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(6);
        var ghosts = await db.GhostIdsAsync();
        await using var interruption = await RepairInterruption.AtGhostAsync(_cluster, db.Name, db.Login, ghosts[4]);

        var repair = db.RunAsync("repair", "--apply", "--yes", "--batch-size", "2");
        await interruption.CutOffAsync(TimeSpan.FromSeconds(30));
        var result = await repair;

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        Assert.Contains("repair stopped after 4 ghost user(s) in 2 batch(es)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run 'usersync repair --apply --yes' again", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(db.Login, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("2,2", await db.ScalarAsync<string>("select string_agg(affected_count::text, ',' order by id) from user_sync.cleanup_audit_log"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100001")]
    public async Task Repair_rejects_a_batch_size_outside_1_to_100000_with_exit_64(string batchSize)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);

        var result = await db.RunAsync("repair", "--apply", "--yes", "--batch-size", batchSize);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--batch-size", result.Stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db, ghosts: 2);
    }

    private static async Task AssertNothingWrittenAsync(MonitoredDatabase db, long ghosts)
    {
        Assert.Equal(0L, await db.CountAsync("public.users"));
        Assert.Equal(0L, await db.CountAsync("user_sync.cleanup_audit_log"));
        Assert.Equal(ghosts, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
    }
}
