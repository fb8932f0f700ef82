using System.Diagnostics;
using Npgsql;

namespace UserSync.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster with Supabase's roles, started through scripts/pgtmp.sh
/// (the same script the test runner, the demo and the benchmarks use): PostgreSQL 15, or the
/// server whose binaries USERSYNC_PG_BIN names (scripts/test.sh runs the SQL tests on 17 that way).
/// A watchdog in that script removes the cluster if this process dies without disposing it.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private bool _templateReady;

    private PostgresCluster(string directory) => _directory = directory;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string SocketDirectory => Path.Combine(_directory, "pg");

    public static async Task<PostgresCluster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("usersync-pg-").FullName;
        var cluster = new PostgresCluster(directory);
        await RunAsync(Path.Combine(RepositoryRoot, "scripts/pgtmp.sh"), $"start {cluster.SocketDirectory} --supabase --owner-pid {Environment.ProcessId}");
        return cluster;
    }

    public string ConnectionString(string database, string user = "postgres", bool pooling = true) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory,
            Port = 5432,
            Database = database,
            Username = user,
            Pooling = pooling,
            MaxPoolSize = 50,
            CommandTimeout = 120,
            IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>A new database with the Supabase stand-in; migrated (as `postgres`) unless told otherwise.</summary>
    public async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        if (!migrated)
        {
            await ShellAsync($"create_supabase_db {name}");
            return name;
        }

        await EnsureTemplateAsync();
        await ExecuteAsync("postgres", $"create database {name} template usersync_template owner postgres", "supabase_admin");
        return name;
    }

    /// <summary>Applies every migration to <paramref name="database"/> as `postgres`, like `supabase db push`.</summary>
    public Task ApplyMigrationsAsync(string database) => ShellAsync($"apply_migrations {database}");

    public async Task ExecuteAsync(string database, string sql, string user = "supabase_admin")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database, user, pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, string user = "supabase_admin")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database, user, pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of every row of <paramref name="sql"/>, as uuids, in the query's order.</summary>
    public async Task<List<Guid>> GuidsAsync(string database, string sql, string user = "supabase_admin")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database, user, pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await ReadGuidsAsync(command);
    }

    /// <summary>Runs <paramref name="command"/> and reads its first column as uuids, in order.</summary>
    public static async Task<List<Guid>> ReadGuidsAsync(NpgsqlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>
    /// Polls until a session of <paramref name="database"/> matching <paramref name="session"/> (a
    /// pg_stat_activity condition such as <c>pid = 42</c>) waits for a lock, or throws after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilWaitingForLockAsync(string database, string session, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ScalarAsync<long>(database,
                   $"select count(*) from pg_stat_activity where ({session}) and wait_event_type = 'Lock'") == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no session with {session} waited for a lock within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(RepositoryRoot, "scripts/pgtmp.sh"), $"stop {SocketDirectory}");
        Directory.Delete(_directory, recursive: true);
        _templateLock.Dispose();
    }

    private async Task EnsureTemplateAsync()
    {
        await _templateLock.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }

            await ShellAsync("create_supabase_db usersync_template && apply_migrations usersync_template");
            _templateReady = true;
        }
        finally
        {
            _templateLock.Release();
        }
    }

    private Task<string> ShellAsync(string commands) =>
        RunAsync("bash", $"-c \". scripts/db.sh && {commands}\"",
            ("PGHOST", SocketDirectory), ("PGPORT", "5432"), ("PGUSER", "supabase_admin"));

    private static async Task<string> RunAsync(string fileName, string arguments, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "UserSync.Functions.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("UserSync.Functions.sln not found above the test binaries");
    }
}
