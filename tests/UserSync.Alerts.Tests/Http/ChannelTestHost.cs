using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UserSync.Alerts.Tests.Http;

/// <summary>Builds services the way a host does (configuration → options → DI), with retry timings small enough for tests.</summary>
public static class ChannelTestHost
{
    public static ServiceProvider Build(
        Action<IServiceCollection> register,
        IReadOnlyDictionary<string, string?> settings,
        RecordingLoggerProvider? logs = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["UserSync:Alerts:Http:MaxRetries"] = "2",
            ["UserSync:Alerts:Http:BaseDelay"] = "00:00:00.010",
            ["UserSync:Alerts:Http:AttemptTimeout"] = "00:00:05",
            ["UserSync:Alerts:Http:TotalTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        register(services);
        return services.BuildServiceProvider(validateScopes: true);
    }
}
