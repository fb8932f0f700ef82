using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests.Fixtures;

/// <summary>
/// The worker most test classes share: a database with a few ghosts (so the daily check has
/// something to report and PII to mask). Tests here must not depend on alert counts.
/// </summary>
public sealed class SharedWorker : FunctionAppFixture
{
    public const string GhostPrefix = "person";

    protected override async Task PrepareAsync(MonitoredDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.SignUpAsync(20);
        await database.AddGhostsAsync(3, GhostPrefix);
    }
}
