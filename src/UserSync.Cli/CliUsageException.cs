namespace UserSync.Cli;

/// <summary>A bad argument or setting, reported as one line and exit code 64.</summary>
public sealed class CliUsageException(string message) : Exception(message);
