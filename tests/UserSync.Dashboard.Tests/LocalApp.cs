using UserSync.Testing;

namespace UserSync.Dashboard.Tests;

/// <summary>
/// The app in local mode (UserSync__Dashboard__Authentication=None) on a real database: 20 people
/// signed up, and three runs recorded 3, 2 and 1 days ago (the middle one with 4 ghosts and an orphan).
/// </summary>
public static class LocalApp
{
    /// <summary>The ghosts of the run recorded two days ago: what the chart shows for that day.</summary>
    public const int PastGhosts = 4;

    /// <summary>The id of that run.</summary>
    public static readonly Guid PastCriticalRunId = new("00000000-0000-4000-8000-0000000d0002");

    public static Task<DashboardApp> StartAsync(DashboardEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.AppAsync("local", DashboardMode.Local, PrepareAsync);
    }

    private static async Task PrepareAsync(PostgresCluster cluster, MonitoredDatabase database)
    {
        await database.SignUpAsync(20);
        await DashboardApp.RecordPastRunAsync(cluster, database, TimeSpan.FromDays(3), ghosts: 0);
        await DashboardApp.RecordPastRunAsync(cluster, database, TimeSpan.FromDays(2), ghosts: PastGhosts, orphans: 1, runId: PastCriticalRunId);
        await DashboardApp.RecordPastRunAsync(cluster, database, TimeSpan.FromDays(1), ghosts: 0);
    }
}
