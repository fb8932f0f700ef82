namespace UserSync.Core.Alerts;

/// <summary>
/// Which run sources deliver their alert messages to the channels. A delivering run compares
/// with what the channels last heard of each check (user_sync.get_latest_check_states over the
/// delivering sources), so a run that only prints its messages (a manual `usersync check`) never
/// consumes a firing → resolved transition the channels must hear.
/// </summary>
public static class AlertSources
{
    /// <summary>The DailyCheck timer function (queue output binding): the full check.</summary>
    public const string Timer = "timer";

    /// <summary>POST /api/user-sync/checks/run: queues its messages (output binding) and answers with them.</summary>
    public const string Http = "http";

    /// <summary>POST /api/user-sync/view/checks/run and the re-check after a dashboard repair: like <see cref="Http"/>, recorded with who asked.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>`usersync check`: prints its messages, delivers nothing.</summary>
    public const string Cli = "cli";

    /// <summary>The IncrementalCheck timer function: only the auth users added since the last run (docs/incremental-check.md).</summary>
    public const string Incremental = "incremental";

    /// <summary>The full re-check a scheduled run records right after it repaired ghosts automatically.</summary>
    public const string AutoRepair = "auto-repair";

    /// <summary>Every source whose messages are queued for the channels.</summary>
    public static IReadOnlyList<string> Delivering { get; } = [Timer, Http, Dashboard, Incremental, AutoRepair];

    /// <summary>The delivering sources that run the full check (streaks and repeats are counted over these).</summary>
    public static IReadOnlyList<string> DeliveringFull { get; } = [Timer, Http, Dashboard, AutoRepair];

    public static bool IsDelivering(string source) => Delivering.Contains(source, StringComparer.Ordinal);

    /// <summary>The scheduled runs, the only ones that repair automatically (an on-demand run reports; whoever asked repairs).</summary>
    public static bool IsScheduled(string source) => source is Timer or Incremental;
}
