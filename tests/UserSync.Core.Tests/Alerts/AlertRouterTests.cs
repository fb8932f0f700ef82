using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Alerts;

/// <summary>The routing tree: the single-receiver form as before receivers, the plan's table, and Alertmanager's walk.</summary>
public sealed class AlertRouterTests
{
    private static readonly string[] AllChannels = ["email", "slack", "pagerduty"];

    private readonly AlertRouter _single = new(new AlertRoutingOptions(), AllChannels);

    // --- the single-receiver form (no receivers): the flat settings are the receiver "default"

    [Fact]
    public void Single_receiver_form_routes_a_critical_check_to_email_and_slack_of_the_default_receiver() =>
        Assert.Equal("default: email, slack", Describe(_single.Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));

    [Theory]
    [InlineData(CheckNames.TriggerEnabled)]
    [InlineData(CheckNames.MonitorFailed)]
    public void Single_receiver_form_routes_a_disabled_trigger_and_a_failed_monitor_also_to_pagerduty(string check) =>
        Assert.Equal(["email", "slack", "pagerduty"], Channels(_single, "default", check, CheckSeverity.Critical));

    [Fact]
    public void Single_receiver_form_routes_a_warning_to_slack_only() =>
        Assert.Equal(["slack"], Channels(_single, "default", CheckNames.OrphanedProfiles, CheckSeverity.Warning));

    [Fact]
    public void Single_receiver_form_configured_routes_replace_the_defaults_per_severity_and_add_per_check_extras()
    {
        var options = new AlertRoutingOptions { Routes = { Critical = "slack, pagerduty", Warning = "none" } };
        options.Routes.Checks["orphaned_profiles"] = "email";
        options.Routes.Checks["trigger_enabled"] = "none";
        var router = new AlertRouter(options, AllChannels);

        Assert.Equal(["slack", "pagerduty"], Channels(router, "default", CheckNames.TriggerEnabled, CheckSeverity.Critical));
        Assert.Equal(["email"], Channels(router, "default", CheckNames.OrphanedProfiles, CheckSeverity.Warning));
        Assert.Empty(router.Resolve(CheckNames.CountParity, CheckSeverity.Warning));
    }

    [Fact]
    public void A_channel_switched_off_is_skipped_by_every_route()
    {
        var options = new AlertRoutingOptions();
        options.Channels["slack"] = new AlertChannelSwitch { Enabled = false };

        Assert.Equal(["email", "pagerduty"], Channels(new AlertRouter(options, AllChannels), "default", CheckNames.TriggerEnabled, CheckSeverity.Critical));
    }

    [Fact]
    public void A_resolved_message_goes_to_the_receivers_and_channels_of_its_firing_message()
    {
        var router = new AlertRouter(Plan(), []);
        var firing = Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical, AlertStatus.Firing);

        Assert.Equal(Flatten(router.Resolve(firing)), Flatten(router.Resolve(firing with { Status = AlertStatus.Resolved })));
    }

    // --- the plan's table (receivers configured, no Route)

    public static TheoryData<string, CheckSeverity, string> PlanTable => new()
    {
        { CheckNames.GhostUsers, CheckSeverity.Critical, "oncall: email, slack | data-eng: email, slack | infra: email, slack" },
        { CheckNames.TriggerEnabled, CheckSeverity.Critical, "oncall: email, slack, pagerduty | infra: email, slack, pagerduty" },
        { CheckNames.OrphanedProfiles, CheckSeverity.Warning, "data-eng: slack | infra: slack" },
        { CheckNames.CountParity, CheckSeverity.Critical, "data-eng: email, slack | infra: email, slack | support: email, slack" },
        { CheckNames.MonitorFailed, CheckSeverity.Critical, "oncall: email, slack, pagerduty | infra: email, slack, pagerduty" },
        { "some_future_check", CheckSeverity.Warning, "oncall: email, slack" },
    };

    [Theory]
    [MemberData(nameof(PlanTable))]
    public void The_default_tree_reproduces_the_plans_table(string check, CheckSeverity severity, string expected)
    {
        var router = new AlertRouter(Plan(), []);

        Assert.True(router.IsDefaultTree);
        Assert.Equal(expected, Describe(router.Resolve(check, severity)));
        Assert.Empty(AlertRoutingValidation.Validate(Plan(), [], emailProvider: true));
    }

    [Fact]
    public void A_route_picks_from_the_receivers_own_channels_so_a_receiver_without_pagerduty_gets_the_rest()
    {
        var options = Plan();
        options.Receivers["oncall"].PagerDuty.RoutingKey = null;

        Assert.Equal("oncall: email, slack | infra: email, slack, pagerduty",
            Describe(new AlertRouter(options, []).Resolve(CheckNames.TriggerEnabled, CheckSeverity.Critical)));
    }

    [Fact]
    public void The_flat_channels_are_the_receiver_default_beside_named_receivers()
    {
        var options = Plan();
        options.Route = new AlertRouteOptions { Receivers = ["default", "oncall"], Channels = ["outbox", "slack"] };

        Assert.Equal("default: outbox | oncall: slack", Describe(new AlertRouter(options, ["outbox"]).Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));
    }

    // --- Alertmanager's walk

    [Fact]
    public void The_first_matching_child_handles_the_alert_and_later_siblings_are_not_tried()
    {
        var options = Plan();
        options.Route = Root(
            Child(new() { ["severity"] = "critical" }, ["infra"]),
            Child(new() { ["check"] = CheckNames.GhostUsers }, ["data-eng"]));

        Assert.Equal("infra: email, slack", Describe(new AlertRouter(options, []).Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));
    }

    [Fact]
    public void Continue_lets_later_siblings_match_too_and_a_receiver_reached_twice_gets_the_union_once()
    {
        var options = Plan();
        var first = Child(new() { ["severity"] = "critical" }, ["infra", "oncall"], ["email"]);
        first.Continue = true;
        options.Route = Root(first, Child(new() { ["check"] = CheckNames.GhostUsers }, ["infra"], ["slack", "email"]));

        Assert.Equal("infra: email, slack | oncall: email", Describe(new AlertRouter(options, []).Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));
    }

    [Fact]
    public void Child_routes_inherit_receivers_and_channels_and_nest()
    {
        var options = Plan();
        var critical = Child(new() { ["severity"] = "critical" }, ["infra"], ["slack"]);
        critical.Routes.Add(new AlertRouteOptions { MatchRe = new(StringComparer.OrdinalIgnoreCase) { ["check"] = "trigger_.*|monitor_failed" }, Channels = ["pagerduty"] });
        options.Route = Root(critical);
        var router = new AlertRouter(options, []);

        Assert.Equal("infra: pagerduty", Describe(router.Resolve(CheckNames.TriggerEnabled, CheckSeverity.Critical)));
        Assert.Equal("infra: slack", Describe(router.Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));
        Assert.Equal("oncall: email, slack", Describe(router.Resolve(CheckNames.OrphanedProfiles, CheckSeverity.Warning)));
    }

    [Fact]
    public void A_receivers_channels_are_all_its_channels_when_no_route_names_channels()
    {
        var options = Plan();
        options.Route = new AlertRouteOptions { Receivers = ["oncall"] };

        Assert.Equal("oncall: email, slack, pagerduty", Describe(new AlertRouter(options, []).Resolve(CheckNames.GhostUsers, CheckSeverity.Critical)));
        Assert.Equal(["email", "slack", "pagerduty"], new AlertRouter(options, []).Receiver("oncall")!.Channels);
        Assert.Null(new AlertRouter(options, []).Receiver("nobody"));
    }

    // --- validation: each error names the setting

    [Fact]
    public void Validate_names_a_route_naming_an_unknown_receiver()
    {
        var options = Plan();
        options.Receivers.Remove("support");

        Assert.Equal(
            ["UserSync:Alerts:Route (default, docs/alerts.md):Routes:4:Receivers:2 names receiver 'support', which is not configured (UserSync:Alerts:Receivers:support)."],
            AlertRoutingValidation.Validate(options, [], emailProvider: true));
    }

    [Fact]
    public void Validate_names_a_receiver_without_a_channel_an_invalid_address_and_a_plain_http_webhook()
    {
        var options = Plan();
        options.Receivers["support"] = new AlertReceiverOptions();
        options.Receivers["data-eng"].Email.Recipients.Add("not an address");
        options.Receivers["infra"].Slack.WebhookUrl = new Uri("http://hooks.slack.example/services/T/B/secret");

        var errors = AlertRoutingValidation.Validate(options, [], emailProvider: true);

        Assert.Contains("UserSync:Alerts:Receivers:support has no channel: set Email:Recipients, Slack:WebhookUrl or PagerDuty:RoutingKey.", errors);
        Assert.Contains("UserSync:Alerts:Receivers:data-eng:Email:Recipients:1 is not a valid email address.", errors);
        Assert.Contains("UserSync:Alerts:Receivers:infra:Slack:WebhookUrl must be an absolute https URL (http only for a loopback host).", errors);
        Assert.DoesNotContain(errors, e => e.Contains("secret", StringComparison.Ordinal) || e.Contains("not an address", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_wants_an_email_provider_for_receivers_with_recipients() =>
        Assert.Contains("UserSync:Alerts:Receivers:oncall:Email needs an email provider: set UserSync:Alerts:Email:Provider (acs or sendgrid) and its sender settings.",
            AlertRoutingValidation.Validate(Plan(), [], emailProvider: false));

    [Fact]
    public void Validate_names_bad_labels_severities_regexes_channels_and_a_route_a_receiver_cannot_follow()
    {
        var options = Plan();
        var child = Child(new() { ["team"] = "x", ["severity"] = "fatal" }, ["support"], ["pagerduty", "fax"]);
        child.MatchRe["check"] = "(unclosed";
        options.Route = Root(child);

        var errors = AlertRoutingValidation.Validate(options, [], emailProvider: true);

        Assert.Contains("UserSync:Alerts:Route:Routes:0:Match:team: alerts carry the labels check and severity only.", errors);
        Assert.Contains("UserSync:Alerts:Route:Routes:0:Match:severity must be critical or warning.", errors);
        Assert.Contains("UserSync:Alerts:Route:Routes:0:MatchRe:check is not a valid regular expression.", errors);
        Assert.Contains("UserSync:Alerts:Route:Routes:0:Channels:1 names channel 'fax'; channels are email, slack, pagerduty, outbox.", errors);
        Assert.Contains("UserSync:Alerts:Route:Routes:0 sends receiver 'support' by pagerduty, fax, none of which it has (email, slack).", errors);
    }

    [Fact]
    public void Validate_wants_a_root_receiver_and_no_receiver_called_default()
    {
        var options = Plan();
        options.Route = new AlertRouteOptions();
        options.Receivers["default"] = options.Receivers["oncall"];

        var errors = AlertRoutingValidation.Validate(options, [], emailProvider: true);

        Assert.Contains("UserSync:Alerts:Route:Receivers must name at least one receiver (the root route catches every alert).", errors);
        Assert.Contains(errors, e => e.StartsWith("UserSync:Alerts:Receivers:default: 'default' is the receiver the flat channel settings make", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_single_receiver_form_names_the_route_and_the_channel_that_is_not_configured()
    {
        var options = new AlertRoutingOptions { Routes = { Critical = "email,slack,pagerduty" } };
        options.Routes.Checks.Clear();

        Assert.Equal(["UserSync:Alerts:Routes:Critical names channel 'pagerduty', which is not configured."],
            AlertRoutingValidation.Validate(options, ["email", "slack"], emailProvider: true));
        Assert.Contains("UserSync:Alerts:Routes:Checks:trigger_enabled names channel 'pagerduty', which is not configured.",
            AlertRoutingValidation.Validate(new AlertRoutingOptions(), ["email", "slack"], emailProvider: true));
        Assert.Empty(AlertRoutingValidation.Validate(new AlertRoutingOptions(), AllChannels, emailProvider: true));
    }

    /// <summary>The four default receivers, each with every channel.</summary>
    internal static AlertRoutingOptions Plan()
    {
        var options = new AlertRoutingOptions();
        foreach (var name in DefaultAlertRoutes.Receivers)
        {
            options.Receivers[name] = new AlertReceiverOptions
            {
                Email = { Recipients = [$"{name}@example.com"] },
                Slack = { WebhookUrl = new Uri($"https://hooks.slack.example/services/{name}") },
                PagerDuty = { RoutingKey = name == "support" ? null : $"key-{name}" },
            };
        }

        return options;
    }

    private static AlertRouteOptions Root(params AlertRouteOptions[] children)
    {
        var root = new AlertRouteOptions { Receivers = ["oncall"], Channels = ["email", "slack"] };
        root.Routes.AddRange(children);
        return root;
    }

    private static AlertRouteOptions Child(Dictionary<string, string> match, List<string> receivers, List<string>? channels = null) => new()
    {
        Match = new Dictionary<string, string>(match, StringComparer.OrdinalIgnoreCase),
        Receivers = receivers,
        Channels = channels,
    };

    private static IReadOnlyList<string> Channels(AlertRouter router, string receiver, string check, CheckSeverity severity) =>
        router.Resolve(check, severity).Single(d => d.Receiver == receiver).Channels;

    private static string Describe(IReadOnlyList<ReceiverDelivery> deliveries) =>
        string.Join(" | ", deliveries.Select(d => $"{d.Receiver}: {string.Join(", ", d.Channels)}"));

    private static List<string> Flatten(IReadOnlyList<ReceiverDelivery> deliveries) => [.. deliveries.SelectMany(d => d.Channels.Select(c => $"{d.Receiver}/{c}"))];

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
