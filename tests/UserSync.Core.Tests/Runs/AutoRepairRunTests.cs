using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;

namespace UserSync.Core.Tests.Runs;

/// <summary>The check runner with auto-repair: when it acts, what it refuses and what the alerts say. The store is a strict mock.</summary>
public sealed class AutoRepairRunTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 6, 0, 7, TimeSpan.Zero);

    private readonly Mock<IUserSyncStore> _store = new(MockBehavior.Strict);
    private readonly Mock<IAsyncDisposable> _runLock = new();
    private readonly Mock<IAsyncDisposable> _repairLock = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly List<(int BatchSize, Guid? After, string? RequestedBy)> _batches = [];

    [Fact]
    public async Task A_timer_run_with_ghosts_repairs_them_as_auto_repair_and_resolves_in_a_full_recheck()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Equal([(500, null, "auto-repair"), (500, _lastRepaired, "auto-repair")], _batches);
        _store.Verify(s => s.RecordRunAsync(AlertSources.AutoRepair, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(
            [
                (CheckNames.GhostUsers, AlertStatus.Firing, "3 ghost users found and repaired at 2026-11-25 06:00:07 UTC (auto-repair)"),
                (CheckNames.GhostUsers, AlertStatus.Resolved, "0"),
            ],
            outcome.Alerts.Select(a => (a.Check, a.Status, a.Observed)));
        Assert.Equal(outcome.Recheck!.RunId, outcome.Alerts[1].RunId);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(3, outcome.AutoRepair!.Repaired);
        _repairLock.Verify(l => l.DisposeAsync(), Times.Once);
    }

    [Fact]
    public async Task With_auto_repair_off_a_run_with_ghosts_repairs_nothing_and_says_only_the_count()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);

        var outcome = await Runner(enabled: false).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Empty(_batches);
        Assert.Null(outcome.AutoRepair);
        Assert.Equal("3", Assert.Single(outcome.Alerts).Observed);
        _store.Verify(s => s.TryAcquireRepairLockAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Above_the_ceiling_nothing_is_repaired_and_the_alert_says_why()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);

        var outcome = await Runner(maxGhosts: 2).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Empty(_batches);
        var alert = Assert.Single(outcome.Alerts);
        Assert.Equal((AlertStatus.Firing, CheckSeverity.Critical), (alert.Status, alert.Severity));
        Assert.Equal("3 ghost users; not auto-repaired: more than the ceiling of 2 (UserSync:AutoRepair:MaxGhosts); a flood means something bigger is wrong, a person decides",
            alert.Observed);
        Assert.Equal(2, outcome.ExitCode);
        _store.Verify(s => s.TryAcquireRepairLockAsync(It.IsAny<CancellationToken>()), Times.Never);
        _store.Verify(s => s.RecordRunAsync(AlertSources.AutoRepair, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task At_the_ceiling_it_repairs()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);

        var outcome = await Runner(maxGhosts: 3).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.True(outcome.AutoRepair!.Attempted);
        Assert.Equal(3, _batches[0].BatchSize);
    }

    [Fact]
    public async Task With_the_trigger_not_enabled_nothing_is_repaired_and_the_alert_says_why()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers, CheckNames.TriggerEnabled) with { TriggerState = "disabled", TriggerEnabled = false },
            ghostsToRepair: 3);

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Empty(_batches);
        var ghost = Assert.Single(outcome.Alerts, a => a.Check == CheckNames.GhostUsers);
        Assert.Equal("3 ghost users; not auto-repaired: the sync trigger is disabled (every new signup would be a new ghost): restore it, then repair",
            ghost.Observed);
    }

    [Fact]
    public async Task While_another_repair_holds_the_repair_lock_nothing_is_repaired_and_the_alert_says_so()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);
        _store.Setup(s => s.TryAcquireRepairLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync((IAsyncDisposable?)null);

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Empty(_batches);
        Assert.Equal("3 ghost users; not auto-repaired: another repair is running", Assert.Single(outcome.Alerts).Observed);
    }

    [Theory]
    [InlineData(AlertSources.Http)]
    [InlineData(AlertSources.Cli)]
    public async Task An_on_demand_run_never_repairs(string source)
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);

        var outcome = await Runner().RunAsync(source, CancellationToken.None);

        Assert.Empty(_batches);
        Assert.Null(outcome.AutoRepair);
    }

    [Fact]
    public async Task An_incremental_run_with_new_ghosts_repairs_and_its_full_recheck_resolves()
    {
        var incremental = Incremental(ghosts: 2);
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 2);
        _store.Setup(s => s.RecordIncrementalRunAsync(It.IsAny<CancellationToken>())).ReturnsAsync(incremental);

        var outcome = await Runner().RunIncrementalAsync(CancellationToken.None);

        _store.Verify(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        _store.Verify(s => s.RecordRunAsync(AlertSources.AutoRepair, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(
            [
                (incremental.RunId, AlertStatus.Firing, "2 ghost users found and repaired at 2026-11-25 06:00:07 UTC (auto-repair)"),
                (outcome.Recheck!.RunId, AlertStatus.Resolved, "0"),
            ],
            outcome.Alerts.Select(a => (a.RunId, a.Status, a.Observed)));
    }

    [Fact]
    public async Task The_time_budget_stops_the_repair_between_batches_and_the_alert_says_so()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3, batchAdvances: AutoRepairer.TimeBudget);

        var outcome = await Runner(batchSize: 2).RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Single(_batches);
        Assert.False(outcome.AutoRepair!.Complete);
        Assert.StartsWith("3 ghost users found; auto-repair repaired 2 at 2026-11-25 06:03:07 UTC and stopped (time budget spent)",
            outcome.Alerts[0].Observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recheck_that_fails_still_sends_the_first_runs_alerts_and_a_monitor_failed()
    {
        Store(TestRuns.WithFailing(CheckNames.GhostUsers), ghostsToRepair: 3);
        _store.Setup(s => s.RecordRunAsync(AlertSources.AutoRepair, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Npgsql.NpgsqlException("x", new System.Net.Sockets.SocketException()));

        var outcome = await Runner().RunAsync(AlertSources.Timer, CancellationToken.None);

        Assert.Equal(CheckRunKind.Completed, outcome.Kind);
        Assert.Equal([(CheckNames.GhostUsers, AlertStatus.Firing), (CheckNames.MonitorFailed, AlertStatus.Firing)],
            outcome.Alerts.Select(a => (a.Check, a.Status)));
    }

    private Guid _lastRepaired;

    private static MonitoringRun Incremental(long ghosts)
    {
        var run = ghosts > 0 ? TestRuns.WithFailing(CheckNames.GhostUsers) : TestRuns.WithFailing();
        return run with
        {
            Source = AlertSources.Incremental,
            GhostUsers = ghosts,
            Checks = run.Checks.Where(c => c.Name is CheckNames.GhostUsers or CheckNames.TriggerEnabled)
                .Select(c => c.Name == CheckNames.GhostUsers && !c.Passed ? c with { Observed = ghosts.ToString(System.Globalization.CultureInfo.InvariantCulture) } : c)
                .ToList(),
        };
    }

    private void Store(MonitoringRun run, int ghostsToRepair, TimeSpan batchAdvances = default)
    {
        var recheck = TestRuns.WithFailing() with { Source = AlertSources.AutoRepair, GhostUsers = 0 };
        _store.Setup(s => s.TryAcquireRunLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync(_runLock.Object);
        _store.Setup(s => s.TryAcquireRepairLockAsync(It.IsAny<CancellationToken>())).ReturnsAsync(_repairLock.Object);
        _store.Setup(s => s.GetLatestRunAsync(It.IsAny<CancellationToken>())).ReturnsAsync((MonitoringRun?)null);
        _store.Setup(s => s.GetLatestCheckStatesAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.RecordRunAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(run);
        _store.Setup(s => s.RecordRunAsync(AlertSources.AutoRepair, It.IsAny<CancellationToken>())).ReturnsAsync(recheck);
        _store.Setup(s => s.GetGhostsAsync(It.IsAny<int>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetOrphansAsync(It.IsAny<int>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetFailureStreaksAsync(It.IsAny<IReadOnlyList<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        var left = Enumerable.Range(1, ghostsToRepair).Select(i => new Guid(i, 0, 0, new byte[8])).ToList();
        _store.Setup(s => s.RepairBatchAsync(It.IsAny<int>(), false, It.IsAny<Guid?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int size, bool _, Guid? after, string? requestedBy, CancellationToken _) =>
            {
                _batches.Add((size, after, requestedBy));
                var batch = left.Take(size).Select(id => new RepairedUser(id, TestRuns.CheckedAt, true)).ToList();
                left.RemoveRange(0, batch.Count);
                if (batch.Count > 0)
                {
                    _lastRepaired = batch[^1].UserId;
                }

                _clock.Advance(batchAdvances);
                return batch;
            });
    }

    private CheckRunner Runner(bool enabled = true, int maxGhosts = 1000, int batchSize = 500)
    {
        var autoRepair = Microsoft.Extensions.Options.Options.Create(new AutoRepairOptions { Enabled = enabled, MaxGhosts = maxGhosts, BatchSize = batchSize });
        return new CheckRunner(
            _store.Object,
            Microsoft.Extensions.Options.Options.Create(new UserSyncOptions
            {
                ConnectionString = "Host=unused",
                Environment = "prod",
                RunbookUrl = "https://runbooks.example/usersync.md",
            }),
            _clock,
            NullLogger<CheckRunner>.Instance,
            autoRepair: new AutoRepairer(_store.Object, autoRepair, _clock));
    }
}
