using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

public sealed class AlertRoutingTests
{
    private static readonly string[] AllChannels = ["email", "slack", "pagerduty"];

    private readonly AlertRouting _defaults = new(new AlertRoutingOptions());

    [Fact]
    public void Default_routes_a_critical_check_to_email_and_slack() =>
        Assert.Equal(["email", "slack"], _defaults.ChannelsFor(CheckNames.GhostUsers, CheckSeverity.Critical));

    [Theory]
    [InlineData(CheckNames.TriggerEnabled)]
    [InlineData(CheckNames.MonitorFailed)]
    public void Default_routes_a_disabled_trigger_and_a_failed_monitor_also_to_pagerduty(string check) =>
        Assert.Equal(["email", "slack", "pagerduty"], _defaults.ChannelsFor(check, CheckSeverity.Critical));

    [Fact]
    public void Default_routes_a_warning_to_slack_only() =>
        Assert.Equal(["slack"], _defaults.ChannelsFor(CheckNames.OrphanedProfiles, CheckSeverity.Warning));

    [Fact]
    public void A_resolved_message_goes_to_the_channels_of_its_firing_message()
    {
        var firing = Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical, AlertStatus.Firing);

        Assert.Equal(_defaults.ChannelsFor(firing), _defaults.ChannelsFor(firing with { Status = AlertStatus.Resolved }));
    }

    [Fact]
    public void Configured_routes_replace_the_defaults_per_severity_and_add_per_check_extras()
    {
        var options = new AlertRoutingOptions { Routes = { Critical = "slack, pagerduty", Warning = "none" } };
        options.Routes.Checks["orphaned_profiles"] = "email";
        options.Routes.Checks["trigger_enabled"] = "none";
        var routing = new AlertRouting(options);

        Assert.Equal(["slack", "pagerduty"], routing.ChannelsFor(CheckNames.TriggerEnabled, CheckSeverity.Critical));
        Assert.Equal(["email"], routing.ChannelsFor(CheckNames.OrphanedProfiles, CheckSeverity.Warning));
    }

    [Fact]
    public void A_channel_switched_off_is_skipped_by_every_route()
    {
        var options = new AlertRoutingOptions();
        options.Channels["slack"] = new AlertChannelSwitch { Enabled = false };

        Assert.Equal(["email", "pagerduty"], new AlertRouting(options).ChannelsFor(CheckNames.TriggerEnabled, CheckSeverity.Critical));
    }

    [Fact]
    public void Validate_accepts_the_defaults_when_every_channel_is_configured() =>
        Assert.Empty(AlertRouting.Validate(new AlertRoutingOptions(), AllChannels));

    [Fact]
    public void Validate_names_the_route_and_the_channel_that_is_not_configured()
    {
        var options = new AlertRoutingOptions { Routes = { Critical = "email,slack,pagerduty" } };
        options.Routes.Checks.Clear();

        var error = Assert.Single(AlertRouting.Validate(options, ["email", "slack"]));

        Assert.Equal("UserSync:Alerts:Routes:Critical names channel 'pagerduty', which is not configured.", error);
    }

    [Fact]
    public void Validate_names_a_per_check_route_too() =>
        Assert.Contains("UserSync:Alerts:Routes:Checks:trigger_enabled names channel 'pagerduty', which is not configured.",
            AlertRouting.Validate(new AlertRoutingOptions(), ["email", "slack"]));

    private static AlertMessage Alert(string check, CheckSeverity severity, AlertStatus status) => new()
    {
        AlertId = $"run:{check}:{status}",
        Environment = "prod",
        Check = check,
        Severity = severity,
        Status = status,
        Observed = "1",
        Expected = "0",
        RunId = Guid.NewGuid(),
        DetectedAt = TestRuns.CheckedAt,
        RunbookUrl = "https://runbooks.example/usersync.md",
        DedupKey = AlertMessage.DedupKeyFor("prod", check),
    };
}
