using System.Text.Json;

namespace UserSync.Cli.Tests;

/// <summary>What one `usersync` invocation returned and wrote.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StdoutLines => Lines(Stdout);

    public IReadOnlyList<string> StderrLines => Lines(Stderr);

    /// <summary>The lines of stdout that are JSON objects: the alert messages `check` prints one per line.</summary>
    public IReadOnlyList<string> JsonLines => StdoutLines.Where(l => l.StartsWith('{')).ToList();

    /// <summary>The alert messages `check` prints, one JSON object per line.</summary>
    public IReadOnlyList<JsonElement> AlertLines => JsonLines.Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();

    /// <summary>Stdout parsed as one JSON value (the output of a `--json` command).</summary>
    public JsonElement Json() => JsonSerializer.Deserialize<JsonElement>(Stdout);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
