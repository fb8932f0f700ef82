using Npgsql;
using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class ConcurrentBackfillTests(PostgresClusterFixture fixture)
{
    private const int Ghosts = 2000;
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Backfill_while_signups_continue_repairs_exactly_the_ghosts_and_loses_no_signup()
    {
        var database = await CreateDatabaseWithGhostsAsync();
        var ghostIds = await GhostIdsAsync(database);

        var signups = Task.WhenAll(SignupWorker(database, 0, 300), SignupWorker(database, 1, 300));
        var repaired = await RepairUntilDoneAsync(database, batchSize: 100);
        await signups;

        Assert.Equal(Ghosts, repaired);
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal(Ghosts + 600L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.users"));
        Assert.Equal(ghostIds, await AuditedIdsAsync(database));
    }

    [Fact]
    public async Task Two_repairs_racing_repair_each_ghost_once_and_audit_it_once()
    {
        var database = await CreateDatabaseWithGhostsAsync();
        var ghostIds = await GhostIdsAsync(database);

        var counts = await Task.WhenAll(RepairUntilDoneAsync(database, 50), RepairUntilDoneAsync(database, 70));

        Assert.Equal(Ghosts, counts.Sum());
        Assert.Equal(ghostIds, await AuditedIdsAsync(database));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
    }

    [Fact]
    public async Task A_batch_whose_ghosts_were_all_healed_meanwhile_moves_on_to_the_next_ghost()
    {
        var database = await _cluster.CreateDatabaseAsync();
        await _cluster.ExecuteAsync(database, """
            set session_replication_role = replica;
            set role supabase_auth_admin;
            select standin.sign_up('ghost' || g || '@example.com') from generate_series(1, 3) g;
            """);
        var ghosts = await GhostIdsAsync(database);

        // Someone else gives the first ghost its profile and has not committed yet.
        await using var healer = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_admin", pooling: false));
        await healer.OpenAsync();
        await using var healing = await healer.BeginTransactionAsync();
        await using (var heal = new NpgsqlCommand("insert into public.users (id) values ($1)", healer, healing))
        {
            heal.Parameters.AddWithValue(ghosts[0]);
            await heal.ExecuteNonQueryAsync();
        }

        // A batch of one finds that ghost (the profile is not visible yet), waits on the
        // conflicting insert, and must not come back empty once it is committed: that would
        // tell the caller no ghost is left.
        await using var monitor = await OpenAsMonitorAsync(database);
        var monitorPid = monitor.ProcessID;
        var batch = RepairBatchAsync(monitor, 1, null);
        await _cluster.WaitUntilWaitingForLockAsync(database, $"pid = {monitorPid}", TimeSpan.FromSeconds(10));
        await healing.CommitAsync();

        Assert.Equal([ghosts[1]], await batch);
        Assert.Equal([ghosts[1]], await AuditedIdsAsync(database));
        Assert.Equal([ghosts[2]], await GhostIdsAsync(database));
    }

    private async Task<string> CreateDatabaseWithGhostsAsync()
    {
        var database = await _cluster.CreateDatabaseAsync();
        await _cluster.ExecuteAsync(database, $$"""
            set session_replication_role = replica;
            set role supabase_auth_admin;
            select standin.sign_up('ghost' || g || '@example.com', '{}', now() - g * interval '1 minute')
              from generate_series(1, {{Ghosts}}) g;
            """);
        return database;
    }

    private async Task SignupWorker(string database, int worker, int count)
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_auth_admin", pooling: false));
        await connection.OpenAsync();
        for (var i = 0; i < count; i++)
        {
            await using var signup = new NpgsqlCommand("select standin.sign_up($1)", connection);
            signup.Parameters.AddWithValue($"live-w{worker}-{i}@example.com");
            await signup.ExecuteScalarAsync();
        }
    }

    /// <summary>
    /// Calls repair_ghost_users one batch per transaction, as the monitor does, each batch resuming
    /// after the last id the previous one returned, until a batch repairs nothing.
    /// </summary>
    private async Task<int> RepairUntilDoneAsync(string database, int batchSize)
    {
        await using var connection = await OpenAsMonitorAsync(database);
        var total = 0;
        Guid? after = null;
        while (true)
        {
            var batch = await RepairBatchAsync(connection, batchSize, after);
            if (batch.Count == 0)
            {
                return total;
            }

            total += batch.Count;
            after = batch[^1];
        }
    }

    private async Task<NpgsqlConnection> OpenAsMonitorAsync(string database)
    {
        var connection = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_admin", pooling: false));
        await connection.OpenAsync();
        await using var asMonitor = new NpgsqlCommand("set role user_sync_monitor", connection);
        await asMonitor.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<List<Guid>> RepairBatchAsync(NpgsqlConnection connection, int batchSize, Guid? after)
    {
        await using var repair = new NpgsqlCommand(
            "select user_id from user_sync.repair_ghost_users($1, false, $2) where repaired", connection);
        repair.Parameters.AddWithValue(batchSize);
        repair.Parameters.Add(new NpgsqlParameter { Value = after.HasValue ? after.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        return await PostgresCluster.ReadGuidsAsync(repair);
    }

    private Task<List<Guid>> GhostIdsAsync(string database) =>
        _cluster.GuidsAsync(database, "select user_id from user_sync.check_ghost_users() order by 1");

    private Task<List<Guid>> AuditedIdsAsync(string database) =>
        _cluster.GuidsAsync(database, "select u.user_id from user_sync.cleanup_audit_log, unnest(affected_ids) u(user_id) order by 1");
}
