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

    /// <summary>Calls repair_ghost_users one batch per transaction, as the monitor does, until nothing is left.</summary>
    private async Task<int> RepairUntilDoneAsync(string database, int batchSize)
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_admin", pooling: false));
        await connection.OpenAsync();
        await using (var asMonitor = new NpgsqlCommand("set role user_sync_monitor", connection))
        {
            await asMonitor.ExecuteNonQueryAsync();
        }

        var total = 0;
        while (true)
        {
            await using var repair = new NpgsqlCommand(
                "select count(*)::int from user_sync.repair_ghost_users($1, false) where repaired", connection);
            repair.Parameters.AddWithValue(batchSize);
            var repaired = (int)(await repair.ExecuteScalarAsync())!;
            if (repaired == 0)
            {
                return total;
            }

            total += repaired;
        }
    }

    private async Task<List<Guid>> GhostIdsAsync(string database) => await ListAsync(database,
        "select user_id from user_sync.check_ghost_users() order by 1");

    private async Task<List<Guid>> AuditedIdsAsync(string database) => await ListAsync(database,
        "select u.user_id from user_sync.cleanup_audit_log, unnest(affected_ids) u(user_id) order by 1");

    private async Task<List<Guid>> ListAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_admin", pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
