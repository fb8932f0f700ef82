using System.Diagnostics;
using System.Diagnostics.Metrics;
using UserSync.Core.Checks;
using UserSync.Core.Runs;

namespace UserSync.Core.Telemetry;

/// <summary>
/// The monitor's metrics and spans, on the BCL's Meter and ActivitySource so the core needs no
/// exporter: a host adds the meter and the source to OpenTelemetry. Attributes carry counts,
/// states and the environment only, never an email, an id of a person, a key or a URL.
/// </summary>
public sealed class UserSyncTelemetry : IDisposable
{
    public const string MeterName = "UserSync";
    public const string ActivitySourceName = "UserSync";

    private readonly Meter _meter;
    private readonly Histogram<double> _checkDuration;
    private readonly Counter<long> _checkRuns;
    private readonly Counter<long> _alertsDelivered;
    private readonly Counter<long> _heartbeat;
    private readonly Counter<long> _repairs;
    private readonly Counter<long> _autoRepairRefused;
    private readonly KeyValuePair<string, object?> _environment;
    private readonly object _gate = new();
    private MonitoringRun? _latest;

    public UserSyncTelemetry(string environment, IMeterFactory? meterFactory = null)
    {
        _environment = new("environment", environment);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("usersync.ghost_users", () => Gauge(r => r.GhostUsers), "{user}", "Auth users without a profile, as of the latest run.");
        _meter.CreateObservableGauge("usersync.orphaned_profiles", () => Gauge(r => r.OrphanedProfiles), "{profile}", "Profiles without an auth user, as of the latest run.");
        _meter.CreateObservableGauge("usersync.count_difference", () => Gauge(r => r.CountDifference), "{user}", "Auth users minus profiles, as of the latest run.");
        _meter.CreateObservableGauge("usersync.trigger_enabled", () => Gauge(r => r.TriggerEnabled ? 1 : 0), null, "1 when on_auth_user_created fires for signups, else 0.");
        _checkDuration = _meter.CreateHistogram<double>("usersync.check.duration", "ms", "Wall time of a check run.");
        _checkRuns = _meter.CreateCounter<long>("usersync.check.runs", "{run}", "Check runs by outcome.");
        _alertsDelivered = _meter.CreateCounter<long>("usersync.alerts.delivered", "{alert}", "Alert deliveries by channel and outcome.");
        _heartbeat = _meter.CreateCounter<long>("usersync.heartbeat", "{beat}", "One per check attempt, whatever its outcome: its absence means the monitor is not running.");
        _repairs = _meter.CreateCounter<long>("usersync.repairs", "{user}", "Ghost users given a profile by a repair, by mode (automatic or manual).");
        _autoRepairRefused = _meter.CreateCounter<long>("usersync.auto_repair.refused", "{run}", "Runs that found ghosts which auto-repair left to a person (trigger not enabled, above the ceiling, another repair running).");
    }

    public static ActivitySource Source { get; } = new(ActivitySourceName);

    public void RecordRun(CheckRunOutcome outcome, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var kind = OutcomeName(outcome.Kind);
        _heartbeat.Add(1, _environment);
        var scope = outcome.Run?.Source == Alerts.AlertSources.Incremental ? "incremental" : "full";
        _checkRuns.Add(1, _environment, new("outcome", kind), new("status", outcome.Latest?.Status.ToString().ToLowerInvariant() ?? "none"),
            new("scope", scope));
        _checkDuration.Record(duration.TotalMilliseconds, _environment, new("outcome", kind), new("scope", scope));
        // The gauges describe the whole database: only a full run (or the re-check) measured it.
        if (outcome.Latest is { } run && run.Source != Alerts.AlertSources.Incremental)
        {
            lock (_gate)
            {
                _latest = run;
            }
        }
    }

    /// <summary>Ghost users repaired: <paramref name="automatic"/> by auto-repair, else by a person (CLI, HTTP).</summary>
    public void RecordRepair(long repaired, bool automatic)
    {
        if (repaired > 0)
        {
            _repairs.Add(repaired, _environment, new("mode", automatic ? "automatic" : "manual"));
        }
    }

    public void RecordAutoRepairRefused() => _autoRepairRefused.Add(1, _environment);

    public void RecordDelivery(string channel, bool delivered) =>
        _alertsDelivered.Add(1, _environment, new("channel", channel), new("outcome", delivered ? "delivered" : "failed"));

    public void Dispose() => _meter.Dispose();

    private static string OutcomeName(CheckRunKind kind) => kind switch
    {
        CheckRunKind.Completed => "completed",
        CheckRunKind.AlreadyRunning => "already_running",
        _ => "could_not_run",
    };

    private IEnumerable<Measurement<long>> Gauge(Func<MonitoringRun, long> value)
    {
        MonitoringRun? latest;
        lock (_gate)
        {
            latest = _latest;
        }

        return latest is null ? [] : [new Measurement<long>(value(latest), _environment)];
    }
}
