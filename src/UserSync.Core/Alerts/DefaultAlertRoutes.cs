using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// The routing tree used when receivers are configured and "UserSync:Alerts:Route" is not: the
/// plan's alert table (README, "Who hears about what").
/// </summary>
public static class DefaultAlertRoutes
{
    public const string OnCall = "oncall";
    public const string DataEngineering = "data-eng";
    public const string Infrastructure = "infra";
    public const string Support = "support";

    public static IReadOnlyList<string> Receivers { get; } = [OnCall, DataEngineering, Infrastructure, Support];

    public static AlertRouteOptions Plan() => new()
    {
        // The catch-all: a check the table does not name (a future one) still reaches on-call.
        Receivers = [OnCall],
        Channels = [AlertChannelNames.Email, AlertChannelNames.Slack],
        Routes =
        [
            Route(CheckNames.GhostUsers, [OnCall, DataEngineering, Infrastructure], [AlertChannelNames.Email, AlertChannelNames.Slack]),
            Route(CheckNames.TriggerEnabled, [OnCall, Infrastructure], [AlertChannelNames.Email, AlertChannelNames.Slack, AlertChannelNames.PagerDuty]),
            // Not in the plan's table: a monitor that cannot run is as blind as a disabled trigger.
            Route(CheckNames.MonitorFailed, [OnCall, Infrastructure], [AlertChannelNames.Email, AlertChannelNames.Slack, AlertChannelNames.PagerDuty]),
            Route(CheckNames.OrphanedProfiles, [DataEngineering, Infrastructure], [AlertChannelNames.Slack]),
            Route(CheckNames.CountParity, [DataEngineering, Infrastructure, Support], [AlertChannelNames.Email, AlertChannelNames.Slack]),
        ],
    };

    private static AlertRouteOptions Route(string check, List<string> receivers, List<string> channels) => new()
    {
        Match = new(StringComparer.OrdinalIgnoreCase) { [AlertRouteOptions.CheckLabel] = check },
        Receivers = receivers,
        Channels = channels,
    };
}
