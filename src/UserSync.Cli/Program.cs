using UserSync.Cli;

return await UserSyncCli.RunAsync(args, new CliEnvironment(Console.Out, Console.Error, Environment.GetEnvironmentVariable), CancellationToken.None);
