using Spectre.Console;

namespace UserSync.Cli;

/// <summary>Where the CLI writes and what it reads from the process environment; tests pass their own.</summary>
public sealed class CliEnvironment(
    TextWriter stdout,
    TextWriter stderr,
    Func<string, string?> variable,
    Func<IEnumerable<KeyValuePair<string, string?>>>? variables = null)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public Func<string, string?> Variable { get; } = variable;

    /// <summary>Every variable (app settings such as UserSync__Alerts__Receivers__oncall__...); none unless given.</summary>
    public Func<IEnumerable<KeyValuePair<string, string?>>> Variables { get; } = variables ?? (() => []);

    /// <summary>What "now" is for the commands (the report's current month and observed-until); tests pass a fixed one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Tables and progress bars; plain text when the output is not a terminal.</summary>
    public IAnsiConsole Console { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(stdout),
        Ansi = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected
            ? ColorSystemSupport.Detect
            : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
