using Npgsql;
using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class ConcurrentSignupTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Eight_connections_of_500_concurrent_signups_each_leave_4000_profiles_and_no_ghost()
    {
        var database = await _cluster.CreateDatabaseAsync();
        var errors = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(_cluster.ConnectionString(database, "supabase_auth_admin", pooling: false));
            await connection.OpenAsync();
            for (var i = 0; i < 500; i++)
            {
                try
                {
                    await using var signup = new NpgsqlCommand(
                        "select standin.sign_up($1, jsonb_build_object('full_name', $2))", connection);
                    signup.Parameters.AddWithValue($"w{worker}-u{i}@example.com");
                    signup.Parameters.AddWithValue($"Worker {worker} user {i}");
                    await signup.ExecuteScalarAsync();
                }
                catch (PostgresException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));

        Assert.Equal(0, errors);
        Assert.Equal(4000L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.users"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database,
            "select count(*) from auth.users a join public.users p using (id) where p.created_at <> a.created_at"));
    }
}
