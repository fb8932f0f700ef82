using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserSync.Core.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Core.Tests.Integration;

/// <summary>
/// The shared <see cref="MonitoredDatabase"/> (a fresh migrated database and a login of its own in
/// user_sync_monitor) plus what the Core tests need on top: options, store and runner for that
/// login, id-ordered reads, and a lock on monitoring_log.
/// </summary>
internal sealed class MonitorDatabase
{
    private MonitorDatabase(PostgresCluster cluster, string name, string login)
    {
        Cluster = cluster;
        Name = name;
        Login = login;
    }

    public PostgresCluster Cluster { get; }

    public string Name { get; }

    public string Login { get; }

    public static async Task<MonitorDatabase> CreateAsync(PostgresCluster cluster)
    {
        var database = await MonitoredDatabase.CreateAsync(cluster);
        return new MonitorDatabase(cluster, database.Name, database.Login);
    }

    public UserSyncOptions Options(int statementTimeoutSeconds = 60) => new()
    {
        ConnectionString = Cluster.ConnectionString(Name, Login),
        Environment = "test",
        StatementTimeoutSeconds = statementTimeoutSeconds,
        RunbookUrl = "https://runbooks.example/usersync.md",
    };

    /// <summary>The database as a host registers it (one data source, the store); disposing it closes the pool.</summary>
    public ServiceProvider Services(int statementTimeoutSeconds = 60) => new ServiceCollection()
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(Options(statementTimeoutSeconds)))
        .AddUserSyncDatabase()
        .BuildServiceProvider();

    public CheckRunner Runner(IUserSyncStore store, int statementTimeoutSeconds = 60, AutoRepairOptions? autoRepair = null) => new(
        store,
        Microsoft.Extensions.Options.Options.Create(Options(statementTimeoutSeconds)),
        TimeProvider.System,
        NullLogger<CheckRunner>.Instance,
        autoRepair: autoRepair is null ? null : new AutoRepairer(store, Microsoft.Extensions.Options.Options.Create(autoRepair), TimeProvider.System));

    /// <summary>Signups the trigger did not see (a data-only restore): auth rows without profiles.</summary>
    public Task AddGhostsAsync(int count, string prefix = "ghost") => Cluster.ExecuteAsync(Name, $$"""
        set session_replication_role = replica;
        set role supabase_auth_admin;
        select standin.sign_up('{{prefix}}' || g || '@example.com', '{}', now() - g * interval '1 minute')
          from generate_series(1, {{count}}) g;
        """);

    /// <summary>Ordinary signups: the trigger creates their profiles.</summary>
    public Task AddUsersAsync(int count, string prefix = "user") => Cluster.ExecuteAsync(Name, $"""
        set role supabase_auth_admin;
        select standin.sign_up('{prefix}' || g || '@example.com') from generate_series(1, {count}) g;
        """);

    /// <summary>Profiles whose auth row is gone (inserted with the foreign key's trigger skipped).</summary>
    public Task AddOrphansAsync(int count) => Cluster.ExecuteAsync(Name, $"""
        set session_replication_role = replica;
        insert into public.users (id, email) select gen_random_uuid(), 'orphan' || g || '@example.com'
          from generate_series(1, {count}) g;
        """);

    public Task<long> CountAsync(string table) => Cluster.ScalarAsync<long>(Name, $"select count(*) from {table}");

    public Task<List<Guid>> GuidsAsync(string sql) => Cluster.GuidsAsync(Name, sql);

    /// <summary>A supabase_admin session that takes an ACCESS EXCLUSIVE lock on monitoring_log and keeps it until disposed.</summary>
    public async Task<IAsyncDisposable> LockMonitoringLogAsync()
    {
        var connection = new NpgsqlConnection(Cluster.ConnectionString(Name, "supabase_admin", pooling: false));
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("lock table user_sync.monitoring_log in access exclusive mode", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    /// <summary>Polls (with a deadline) until a session of the monitor's login waits for a lock.</summary>
    public Task WaitUntilMonitorWaitsForALockAsync() =>
        Cluster.WaitUntilWaitingForLockAsync(Name, $"usename = '{Login}'", TimeSpan.FromSeconds(30));

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        private bool _released;

        /// <summary>Ends the transaction and with it the lock; a second call does nothing.</summary>
        public async ValueTask DisposeAsync()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
