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

    /// <summary>POST /api/user-sync/checks/run: answers with its messages.</summary>
    public const string Http = "http";

    /// <summary>`usersync check`: prints its messages, delivers nothing.</summary>
    public const string Cli = "cli";

    // HTTP runs answer with their messages but cannot reach the queue yet (a proxied HTTP function
    // has no output binding), so they do not count as delivering.
    public static IReadOnlyList<string> Delivering { get; } = [Timer];

    public static bool IsDelivering(string source) => Delivering.Contains(source, StringComparer.Ordinal);
}
