using UserSync.Testing;

namespace UserSync.Cli.Tests;

internal static class MonitoredDatabaseCli
{
    /// <summary>`usersync ARGS --connection &lt;this database as the monitor login&gt;`.</summary>
    public static Task<CliResult> RunAsync(this MonitoredDatabase database, params string[] args) =>
        Cli.RunAsync([.. args, "--connection", database.ConnectionString]);
}
