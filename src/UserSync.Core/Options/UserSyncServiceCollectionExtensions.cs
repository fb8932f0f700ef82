using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;
using UserSync.Core.Telemetry;

namespace UserSync.Core.Options;

public static class UserSyncServiceCollectionExtensions
{
    /// <summary>The core for a host: validated options (fail at start), the database (one data source) and the check runner.</summary>
    public static IServiceCollection AddUserSyncCore(this IServiceCollection services)
    {
        services.AddOptions<UserSyncOptions>()
            .BindConfiguration(UserSyncOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<UserSyncOptions>, UserSyncOptionsValidator>();
        services.AddOptions<AutoRepairOptions>()
            .BindConfiguration(AutoRepairOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AutoRepairOptions>, AutoRepairOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddUserSyncDatabase();
        services.AddSingleton(sp => new UserSyncTelemetry(
            sp.GetRequiredService<IOptions<UserSyncOptions>>().Value.Environment,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<AutoRepairer>();
        services.AddSingleton<CheckRunner>();
        return services;
    }
}
