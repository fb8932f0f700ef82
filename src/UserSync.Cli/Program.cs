using UserSync.Cli;

return await UserSyncCli.RunAsync(args,
    new CliEnvironment(Console.Out, Console.Error, Environment.GetEnvironmentVariable,
        () => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string))),
    CancellationToken.None);
