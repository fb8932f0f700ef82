using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using UserSync.Core.Options;

namespace UserSync.Core.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// The database for a host: one <see cref="NpgsqlDataSource"/> (one pool) built from
    /// UserSyncOptions, the connections with the statement timeout, and the store. Every Postgres
    /// user in the process (the store, the alert ledger) takes its connections from here; the
    /// container disposes the data source. TryAdd, so a test's own store stays.
    /// </summary>
    public static IServiceCollection AddUserSyncDatabase(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => MonitorConnections.BuildDataSource(sp.GetRequiredService<IOptions<UserSyncOptions>>().Value));
        services.TryAddSingleton<MonitorConnections>();
        services.TryAddSingleton<IUserSyncStore, PostgresUserSyncStore>();
        services.TryAddSingleton<Reports.ReportReader>();
        services.TryAddSingleton<Reports.SuccessReports>();
        services.TryAddSingleton<Dashboard.DashboardReader>();
        return services;
    }
}
