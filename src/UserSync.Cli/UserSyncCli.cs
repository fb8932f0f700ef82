using System.CommandLine;
using Npgsql;
using UserSync.Cli.Commands;
using UserSync.Core.Runs;

namespace UserSync.Cli;

/// <summary>
/// The `usersync` command line. Every command turns expected failures into one line on stderr and
/// a documented exit code (<see cref="ExitCodes"/>); no stack trace reaches the terminal.
/// </summary>
public static class UserSyncCli
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var shared = new SharedOptions();
        var root = new RootCommand("UserSync: keep Supabase auth.users and public.users profiles in sync, and prove it.");
        root.Options.Add(shared.Connection);
        root.Options.Add(shared.Environment);

        foreach (var command in new[]
                 {
                     MigrateCommand.Create(shared, environment),
                     CheckCommand.Create(shared, environment),
                     StatusCommand.Create(shared, environment),
                     StatsCommand.Create(shared, environment),
                     HistoryCommand.Create(shared, environment),
                     GhostsCommand.Create(shared, environment),
                     RepairCommand.Create(shared, environment),
                     AuditCommand.Create(shared, environment),
                     ReportCommand.Create(shared, environment),
                     LocalCommand.Create(shared, environment),
                     AlertsCommand.Create(environment),
                 })
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await environment.Error.WriteLineAsync($"usersync: {error.Message}");
            }

            await environment.Error.WriteLineAsync("Run 'usersync --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = environment.Out, Error = environment.Error, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (CliUsageException ex)
        {
            await environment.Error.WriteLineAsync($"usersync: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            await environment.Error.WriteLineAsync($"usersync: {ex.MessageText}");
            return ExitCodes.Usage;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedFunction
                                               or PostgresErrorCodes.InvalidSchemaName)
        {
            await environment.Error.WriteLineAsync(
                $"usersync: the database refused the call (SQLSTATE {ex.SqlState}): is the schema migrated ('usersync migrate') and does the login hold user_sync_monitor?");
            return ExitCodes.CouldNotRun;
        }
        catch (HttpRequestException ex)
        {
            await environment.Error.WriteLineAsync($"usersync: cannot reach the queue service: {ex.HttpRequestError}");
            return ExitCodes.CouldNotRun;
        }
        catch (Azure.RequestFailedException ex)
        {
            await environment.Error.WriteLineAsync($"usersync: the queue service refused the call (HTTP {ex.Status}, {ex.ErrorCode ?? "no error code"})");
            return ExitCodes.CouldNotRun;
        }
        catch (AggregateException ex) when (ex.InnerException is HttpRequestException or Azure.RequestFailedException)
        {
            await environment.Error.WriteLineAsync("usersync: cannot reach the queue service");
            return ExitCodes.CouldNotRun;
        }
        catch (NpgsqlException ex)
        {
            await environment.Error.WriteLineAsync($"usersync: cannot use the database: {DatabaseFailure.Describe(ex)}");
            return ExitCodes.CouldNotRun;
        }
    }
}
