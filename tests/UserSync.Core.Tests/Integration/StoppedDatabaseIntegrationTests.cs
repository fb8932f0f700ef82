using Microsoft.Extensions.DependencyInjection;
using UserSync.Core.Store;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Runs;
using UserSync.Testing;

namespace UserSync.Core.Tests.Integration;

/// <summary>Stops a PostgreSQL cluster under a running monitor, so it has a cluster of its own.</summary>
public sealed class StoppedDatabaseIntegrationTests
{
    [Fact]
    public async Task A_run_after_the_database_stopped_is_could_not_run_with_a_monitor_failed_alert_and_no_connection_details()
    {
        var cluster = await PostgresCluster.StartAsync();
        var running = true;
        try
        {
            var socketDirectory = cluster.SocketDirectory;
            var db = await MonitorDatabase.CreateAsync(cluster);
            await using var storeServices = db.Services();
            var store = storeServices.GetRequiredService<IUserSyncStore>();
            var runner = db.Runner(store);
            Assert.Equal(CheckRunKind.Completed, (await runner.RunAsync("test", CancellationToken.None)).Kind);

            await cluster.DisposeAsync();
            running = false;
            var outcome = await runner.RunAsync("test", CancellationToken.None);

            Assert.Equal((CheckRunKind.CouldNotRun, 3), (outcome.Kind, outcome.ExitCode));
            var alert = Assert.Single(outcome.Alerts);
            Assert.Equal((CheckNames.MonitorFailed, CheckSeverity.Critical, AlertStatus.Firing), (alert.Check, alert.Severity, alert.Status));
            Assert.False(string.IsNullOrWhiteSpace(outcome.FailureReason));
            var said = outcome.FailureReason + "\n" + AlertJson.Serialize(alert);
            Assert.DoesNotContain("Host=", said, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(socketDirectory, said, StringComparison.Ordinal);
            Assert.DoesNotContain(".s.PGSQL", said, StringComparison.Ordinal);
            Assert.DoesNotContain(db.Login, said, StringComparison.Ordinal);
        }
        finally
        {
            if (running)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
