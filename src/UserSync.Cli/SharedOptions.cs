using System.CommandLine;
using UserSync.Core.Options;

namespace UserSync.Cli;

/// <summary>Options every command takes, and how they become validated core options.</summary>
public sealed class SharedOptions
{
    public Option<string?> Connection { get; } = new("--connection", "-c")
    {
        Description = "Npgsql connection string of a login holding user_sync_monitor (default: $USERSYNC_DB).",
        Recursive = true,
    };

    public Option<string?> Environment { get; } = new("--environment", "-e")
    {
        Description = "Environment name used in alerts and dedup keys (default: $USERSYNC_ENVIRONMENT, else 'local').",
        Recursive = true,
    };

    public UserSyncOptions Resolve(ParseResult parsed, CliEnvironment environment, bool maskPii = true)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(environment);
        var connection = parsed.GetValue(Connection) ?? environment.Variable("USERSYNC_DB");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new CliUsageException("no database connection: pass --connection or set USERSYNC_DB.");
        }

        var options = new UserSyncOptions
        {
            ConnectionString = connection,
            Environment = parsed.GetValue(Environment) ?? environment.Variable("USERSYNC_ENVIRONMENT") ?? "local",
            MaskPii = maskPii,
        };
        var errors = UserSyncOptionsValidator.Errors(options);
        if (errors.Count > 0)
        {
            throw new CliUsageException(errors[0]
                .Replace("UserSync:ConnectionString", "--connection / USERSYNC_DB", StringComparison.Ordinal)
                .Replace("UserSync:Environment", "--environment / USERSYNC_ENVIRONMENT", StringComparison.Ordinal));
        }

        return options;
    }

    /// <summary>The command's database, with masking as <paramref name="maskPii"/> says.</summary>
    public CliDatabase Database(ParseResult parsed, CliEnvironment environment, bool maskPii = true) => CliDatabase.Open(Resolve(parsed, environment, maskPii), environment.Clock);
}
