using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UserSync.Core.Options;
using UserSync.Core.Reports;
using UserSync.Core.Runs;
using UserSync.Core.Store;

namespace UserSync.Cli;

/// <summary>
/// One command's database, registered exactly as the function app registers it
/// (<see cref="StoreServiceCollectionExtensions.AddUserSyncDatabase"/>: one data source, the
/// statement timeout on every connection). Disposing it closes the pool.
/// </summary>
public sealed class CliDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliDatabase(ServiceProvider services) => _services = services;

    public IUserSyncStore Store => _services.GetRequiredService<IUserSyncStore>();

    public CheckRunner Runner => _services.GetRequiredService<CheckRunner>();

    public SuccessReports Reports => _services.GetRequiredService<SuccessReports>();

    public static CliDatabase Open(UserSyncOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddUserSyncDatabase();
        services.AddSingleton<CheckRunner>();
        return new CliDatabase(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
