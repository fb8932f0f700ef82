using Npgsql;

namespace UserSync.Testing;

/// <summary>
/// Cuts a repair off in the middle, at a chosen ghost: an open transaction holds an uncommitted
/// profile with that ghost's id, so the batch that reaches it waits on the row lock; then every
/// session of the repairing login is terminated, as when the database goes away. The batches
/// before are committed; the waiting one fails, and nothing after it starts.
/// </summary>
public sealed class RepairInterruption : IAsyncDisposable
{
    private readonly PostgresCluster _cluster;
    private readonly string _database;
    private readonly string _login;
    private readonly NpgsqlConnection _blocker;
    private readonly NpgsqlTransaction _transaction;

    private RepairInterruption(PostgresCluster cluster, string database, string login, NpgsqlConnection blocker, NpgsqlTransaction transaction)
    {
        _cluster = cluster;
        _database = database;
        _login = login;
        _blocker = blocker;
        _transaction = transaction;
    }

    public static async Task<RepairInterruption> AtGhostAsync(PostgresCluster cluster, string database, string login, Guid ghostId)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var blocker = new NpgsqlConnection(cluster.ConnectionString(database, "supabase_admin", pooling: false));
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("insert into public.users (id) values (@id)", blocker, transaction))
        {
            hold.Parameters.AddWithValue("id", ghostId);
            await hold.ExecuteNonQueryAsync();
        }

        return new RepairInterruption(cluster, database, login, blocker, transaction);
    }

    /// <summary>Waits until the repair waits on the held row, then terminates the login's sessions.</summary>
    public async Task CutOffAsync(TimeSpan timeout)
    {
        await _cluster.WaitUntilWaitingForLockAsync(_database, $"usename = '{_login}'", timeout);
        await _cluster.ExecuteAsync(_database, $"select pg_terminate_backend(pid) from pg_stat_activity where usename = '{_login}'");
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _blocker.DisposeAsync();
    }
}
