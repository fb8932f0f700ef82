using System.CommandLine;
using DbUp;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Postgresql;
using Npgsql;

namespace UserSync.Cli.Commands;

/// <summary>`usersync migrate`: applies the embedded sql/migrations in order, journaled by DbUp in user_sync.schema_versions.</summary>
public static class MigrateCommand
{
    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var command = new Command("migrate", "Apply sql/migrations in order (run it as the 'postgres' role); a no-op when up to date.");
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = shared.Resolve(parsed, environment);
            // The journal lives beside the objects it tracks, never in public (the REST API exposes public).
            await using (var connection = new NpgsqlConnection(options.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var schema = new NpgsqlCommand("create schema if not exists user_sync", connection);
                await schema.ExecuteNonQueryAsync(cancellationToken);
            }

            // What the migrations say with RAISE NOTICE (an adopted table, a kept trigger) is for the operator.
            var notices = new List<string>();
            await using var dataSource = NpgsqlDataSource.Create(options.ConnectionString);
            var log = new JournalLog();
            var upgrader = DeployChanges.To.PostgresqlDatabase(new NoticeCollectingConnections(dataSource, notices))
                .WithScriptsEmbeddedInAssembly(typeof(MigrateCommand).Assembly, name => name.StartsWith("migrations/", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .JournalToPostgresqlTable("user_sync", "schema_versions")
                .LogTo(log)
                .Build();

            var pending = upgrader.GetScriptsToExecute().Select(s => s.Name).ToList();
            var result = upgrader.PerformUpgrade();
            foreach (var notice in notices.Where(n => !n.Contains("already exists, skipping", StringComparison.Ordinal)).Distinct())
            {
                await environment.Out.WriteLineAsync($"notice: {notice}");
            }

            if (!result.Successful)
            {
                var failed = result.ErrorScript?.Name ?? "(unknown script)";
                var reason = result.Error is PostgresException pg ? $"SQLSTATE {pg.SqlState}: {pg.MessageText}" : result.Error?.Message;
                await environment.Error.WriteLineAsync($"usersync: migration {failed} failed and was rolled back: {reason}");
                // A migration that stops says what it found (detail) and what to do (hint).
                if (result.Error is PostgresException { Detail: { Length: > 0 } detail })
                {
                    await environment.Error.WriteLineAsync($"  {detail}");
                }

                if (result.Error is PostgresException { Hint: { Length: > 0 } hint })
                {
                    await environment.Error.WriteLineAsync($"  {hint}");
                }

                return ExitCodes.CouldNotRun;
            }

            await using (var connection = new NpgsqlConnection(options.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var rls = new NpgsqlCommand(
                    "alter table user_sync.schema_versions enable row level security; revoke all on user_sync.schema_versions from public",
                    connection);
                await rls.ExecuteNonQueryAsync(cancellationToken);
            }

            if (pending.Count == 0)
            {
                await environment.Out.WriteLineAsync("Database is up to date; nothing to apply.");
            }
            else
            {
                foreach (var name in pending)
                {
                    await environment.Out.WriteLineAsync($"applied {name["migrations/".Length..]}");
                }

                await environment.Out.WriteLineAsync($"{pending.Count} migration(s) applied.");
            }

            return ExitCodes.Healthy;
        });
        return command;
    }

    // DbUp's PostgreSQL connection manager, plus a Notice handler on every connection it opens
    // (DbUp has no hook for server notices).
    private sealed class NoticeCollectingConnections(NpgsqlDataSource dataSource, List<string> notices)
        : DatabaseConnectionManager(_ =>
        {
            var connection = dataSource.CreateConnection();
            connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
            return connection;
        })
    {
        private readonly PostgresqlConnectionManager _postgres = new(dataSource);

        public override IEnumerable<string> SplitScriptIntoCommands(string scriptContents) => _postgres.SplitScriptIntoCommands(scriptContents);
    }

    // DbUp's own chatter is dropped: the command prints what it applied, and errors come back in the result.
    private sealed class JournalLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) { }

        public void LogWarning(string format, params object[] args) { }

        public void LogError(string format, params object[] args) { }

        public void LogError(Exception ex, string format, params object[] args) { }
    }
}
