using System.Collections.Concurrent;
using System.Text;

namespace UserSync.Functions.Tests;

/// <summary>
/// An ILoggerProvider that keeps everything the app lets through its logging filters (every
/// category): the formatted message, the structured values, the scopes and any exception.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>All of it as one text, for "does not contain" assertions.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            foreach (var entry in _entries)
            {
                text.AppendLine(entry.ToString());
            }

            return text.ToString();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        private readonly AsyncLocal<ImmutableScopes?> _scopes = new();

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var parent = _scopes.Value;
            _scopes.Value = new ImmutableScopes(Describe(state), parent);
            return new ScopeEnd(() => _scopes.Value = parent);
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            for (var scope = _scopes.Value; scope is not null; scope = scope.Parent)
            {
                scopes.Add(scope.Text);
            }

            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value?.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string?>(StringComparer.Ordinal);
            entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), values, Describe(state), scopes, exception?.ToString()));
        }

        private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? "";
    }

    private sealed record ImmutableScopes(string Text, ImmutableScopes? Parent);

    private sealed class ScopeEnd(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}

internal sealed record CapturedLog(
    string Category,
    LogLevel Level,
    string Message,
    IReadOnlyDictionary<string, string?> Values,
    string State,
    IReadOnlyList<string> Scopes,
    string? Exception)
{
    public override string ToString() =>
        $"{Level} {Category}: {Message} | state: {State} | scopes: {string.Join(" / ", Scopes)} | exception: {Exception}";
}
