namespace UserSync.Cli.Tests;

/// <summary>
/// Runs `usersync` in process exactly as Program.Main does, with captured output and an
/// environment made of the given variables only (never the real process environment).
/// </summary>
internal static class Cli
{
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args) =>
        RunAsync(variables, TimeProvider.System, args);

    /// <summary>As above, with "now" fixed by <paramref name="clock"/>.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, TimeProvider clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment(stdout, stderr, name => variables.TryGetValue(name, out var value) ? value : null,
            () => variables.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
        {
            Clock = clock,
        };

        var exitCode = await UserSyncCli.RunAsync(args, environment, CancellationToken.None);

        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);
}
