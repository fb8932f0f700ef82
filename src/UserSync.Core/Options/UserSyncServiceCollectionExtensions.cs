using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;

namespace UserSync.Core.Options;

public static class UserSyncServiceCollectionExtensions
{
    /// <summary>The core for a host: validated options (fail at start), the Postgres store and the check runner.</summary>
    public static IServiceCollection AddUserSyncCore(this IServiceCollection services)
    {
        services.AddOptions<UserSyncOptions>()
            .BindConfiguration(UserSyncOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<UserSyncOptions>, UserSyncOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IUserSyncStore>(sp => new PostgresUserSyncStore(sp.GetRequiredService<IOptions<UserSyncOptions>>().Value));
        services.AddSingleton<CheckRunner>();
        return services;
    }
}
