namespace UserSync.Core.Alerts;

/// <summary>
/// Which run sources deliver their alert messages to the channels. A delivering run compares
/// with the newest delivering run, so a run that only prints its messages (a manual
/// `usersync check`) never consumes a firing → resolved transition the channels must hear.
/// </summary>
public static class AlertSources
{
    /// <summary>The timer function (queue output binding).</summary>
    public const string Timer = "timer";

    /// <summary>POST /api/user-sync/checks/run: queues its messages (output binding) and answers with them.</summary>
    public const string Http = "http";

    /// <summary>`usersync check`: prints its messages, delivers nothing.</summary>
    public const string Cli = "cli";

    /// <summary>The timer and the on-demand HTTP run both queue what they find.</summary>
    public static IReadOnlyList<string> Delivering { get; } = [Timer, Http];

    public static bool IsDelivering(string source) => Delivering.Contains(source, StringComparer.Ordinal);
}
