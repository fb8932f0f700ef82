using System.Collections.Concurrent;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using WireMock.Logging;
using WireMock.Server;

namespace UserSync.Alerts.Tests.Email;

/// <summary>Builds the channels the way the hosts do (DI + configuration), with tiny retry delays and every log line captured.</summary>
internal static class EmailTestHost
{
    public const string Recipient = "oncall.person@example.com";
    public const string SecondRecipient = "second.person@example.org";
    public const string AccessKey = "c2VjcmV0LWFjY2Vzcy1rZXktZm9yLXRlc3RzLW9ubHktMTIzNDU2Nzg5MA==";
    public const string ApiKey = "SG.secret-api-key-for-tests";
    public const string Token = "fake-entra-token-abc123";

    public static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection> register, LogCapture logs,
        TokenCredential? credential = null)
    {
        var defaults = new Dictionary<string, string?>
        {
            ["UserSync:Alerts:Http:MaxRetries"] = "2",
            ["UserSync:Alerts:Http:BaseDelay"] = "00:00:00.010",
            ["UserSync:Alerts:Http:AttemptTimeout"] = "00:00:03",
            ["UserSync:Alerts:Http:TotalTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings)
        {
            defaults[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(defaults).Build());
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (credential is not null)
        {
            services.AddSingleton(credential);
        }

        register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public static AlertMessage GhostAlert(AlertStatus status = AlertStatus.Firing) => new()
    {
        AlertId = $"run1:ghost_users:{status.ToString().ToLowerInvariant()}",
        Environment = "prod",
        Check = CheckNames.GhostUsers,
        Severity = CheckSeverity.Critical,
        Status = status,
        Observed = status == AlertStatus.Firing ? "12" : "0",
        Expected = "0",
        Samples = status == AlertStatus.Firing ? ["j***@example.com", "a***@example.org"] : [],
        RunId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        DetectedAt = new DateTimeOffset(2026, 11, 25, 6, 30, 0, TimeSpan.Zero),
        RunbookUrl = "https://example.com/runbook#ghost-users",
        DedupKey = "usersync:prod:ghost_users",
    };

    /// <summary>Requests arrive in the log once answered; wait for them with a deadline instead of sleeping blindly.</summary>
    public static async Task<IReadOnlyList<ILogEntry>> RequestsAsync(WireMockServer server, int atLeast, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        while (server.LogEntries.Count < atLeast && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return [.. server.LogEntries.OrderBy(e => e.RequestMessage.DateTime)];
    }

    public static void AssertNothingSecret(ChannelDelivery result, LogCapture logs)
    {
        string[] secrets = [AccessKey, ApiKey, Token, Recipient, SecondRecipient, "Bearer", "Signature="];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, result.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        Assert.DoesNotContain('\n', result.Detail);
    }
}

/// <summary>Every formatted log line and exception text, from every category.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>A TokenCredential that hands out a fixed token and remembers the scopes asked for.</summary>
internal sealed class FakeTokenCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return new AccessToken(EmailTestHost.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
