using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Npgsql;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;

namespace UserSync.Core.Tests.Runs;

public sealed class CheckRunnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 6, 0, 7, TimeSpan.Zero);

    private readonly Mock<IUserSyncStore> _store = new(MockBehavior.Strict);
    private readonly Mock<IAsyncDisposable> _lock = new();
    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public async Task A_run_that_does_not_get_the_lock_is_already_running_and_records_nothing()
    {
        _store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync((IAsyncDisposable?)null);

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(CheckRunKind.AlreadyRunning, outcome.Kind);
        Assert.Empty(outcome.Alerts);
        _store.Verify(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_run_that_does_not_get_the_lock_exits_with_3()
    {
        _store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync((IAsyncDisposable?)null);

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(3, outcome.ExitCode);
    }

    [Fact]
    public async Task An_unreachable_database_makes_the_run_could_not_run_with_one_monitor_failed_alert()
    {
        StoreRecords(TestRuns.WithFailing());
        _store.Setup(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NpgsqlException("x", new SocketException()));

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(CheckRunKind.CouldNotRun, outcome.Kind);
        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal(CheckNames.MonitorFailed, alert.Check);
        Assert.Equal(CheckSeverity.Critical, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("the database could not be reached", outcome.FailureReason);
        Assert.Equal(outcome.FailureReason, alert.Observed);
    }

    [Fact]
    public async Task A_run_that_could_not_run_exits_with_3()
    {
        _store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NpgsqlException("x", new SocketException()));

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(3, outcome.ExitCode);
    }

    [Fact]
    public async Task The_monitor_failed_alert_is_detected_at_the_clock_time_of_the_failure()
    {
        StoreRecords(TestRuns.WithFailing());
        _store.Setup(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NpgsqlException("x", new SocketException()));
        _clock.Advance(TimeSpan.FromMinutes(3));

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(Now.AddMinutes(3), Assert.Single(outcome.Alerts).DetectedAt);
    }

    [Fact]
    public async Task An_exception_that_is_not_a_database_failure_escapes()
    {
        StoreRecords(TestRuns.WithFailing());
        _store.Setup(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Runner().RunAsync("test", CancellationToken.None));
    }

    [Theory]
    [InlineData(SyncStatus.Healthy, 0)]
    [InlineData(SyncStatus.Degraded, 1)]
    [InlineData(SyncStatus.Critical, 2)]
    public async Task A_completed_run_exits_with_the_code_of_its_status(SyncStatus status, int exitCode)
    {
        StoreRecords(TestRuns.WithStatus(status));

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(CheckRunKind.Completed, outcome.Kind);
        Assert.Equal(exitCode, outcome.ExitCode);
    }

    [Fact]
    public async Task A_completed_run_records_with_its_source_and_releases_the_lock()
    {
        StoreRecords(TestRuns.WithFailing());

        await Runner().RunAsync("timer", CancellationToken.None);

        _store.Verify(s => s.RecordRunAsync("timer", It.IsAny<CancellationToken>()), Times.Once);
        _lock.Verify(l => l.DisposeAsync(), Times.Once);
    }

    [Fact]
    public async Task A_completed_run_plans_alerts_against_what_the_channels_last_heard()
    {
        StoreRecords(TestRuns.WithFailing(), states: [State(CheckNames.TriggerEnabled, passed: false)]);

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal((CheckNames.TriggerEnabled, AlertStatus.Resolved), (alert.Check, alert.Status));
    }

    [Fact]
    public async Task A_timer_run_compares_with_the_check_states_of_the_delivering_runs_not_with_a_later_cli_run()
    {
        StoreRecords(TestRuns.WithFailing());
        _store.Setup(s => s.GetLatestRunAsync(It.IsAny<CancellationToken>())).ReturnsAsync(TestRuns.WithFailing());
        _store.Setup(s => s.GetLatestCheckStatesAsync(
                It.Is<IReadOnlyList<string>>(sources => sources.SequenceEqual(AlertSources.Delivering)), It.IsAny<CancellationToken>()))
            .ReturnsAsync([State(CheckNames.GhostUsers, passed: false)]);

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal((CheckNames.GhostUsers, AlertStatus.Resolved), (alert.Check, alert.Status));
    }

    [Fact]
    public async Task A_cli_run_compares_with_the_newest_full_run_of_any_source()
    {
        StoreRecords(TestRuns.WithFailing(), states: [State(CheckNames.GhostUsers, passed: false)]);
        _store.Setup(s => s.GetLatestRunAsync(It.IsAny<CancellationToken>())).ReturnsAsync(TestRuns.WithFailing(CheckNames.TriggerEnabled));

        var outcome = await Runner().RunAsync(AlertSources.Cli, CancellationToken.None);

        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal((CheckNames.TriggerEnabled, AlertStatus.Resolved), (alert.Check, alert.Status));
    }

    [Fact]
    public async Task A_completed_run_attaches_masked_ghost_samples_to_the_ghost_alert()
    {
        var ghostId = Guid.Parse("0123abcd-4567-89ef-0123-456789abcdef");
        StoreRecords(TestRuns.WithFailing(CheckNames.GhostUsers) with { GhostUsers = 1 });
        _store.Setup(s => s.GetGhostsAsync(3, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new GhostUser(ghostId, "john@example.com", TestRuns.CheckedAt)]);

        var outcome = await Runner().RunAsync("test", CancellationToken.None);

        Assert.Equal(["0123abcd j***@example.com"], Assert.Single(outcome.Alerts).Samples);
    }

    internal static CheckState State(string check, bool passed, string source = AlertSources.Timer) =>
        new(check, passed, TestRuns.CheckedAt.AddDays(-1), Guid.NewGuid(), source);

    private void StoreRecords(MonitoringRun run, MonitoringRun? previous = null, IReadOnlyList<CheckState>? states = null)
    {
        _store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync(_lock.Object);
        _store.Setup(s => s.GetLatestRunAsync(It.IsAny<CancellationToken>())).ReturnsAsync(previous);
        _store.Setup(s => s.GetLatestCheckStatesAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(states ?? []);
        _store.Setup(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(run);
        _store.Setup(s => s.GetGhostsAsync(It.IsAny<int>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetOrphansAsync(It.IsAny<int>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetFailureStreaksAsync(It.IsAny<IReadOnlyList<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
    }

    private CheckRunner Runner() => new(
        _store.Object,
        Microsoft.Extensions.Options.Options.Create(new UserSyncOptions
        {
            ConnectionString = "Host=unused",
            Environment = "prod",
            RunbookUrl = "https://runbooks.example/usersync.md",
        }),
        _clock,
        NullLogger<CheckRunner>.Instance);
}
