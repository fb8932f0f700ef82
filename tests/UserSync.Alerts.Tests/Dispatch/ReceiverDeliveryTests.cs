using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Testing;

namespace UserSync.Alerts.Tests.Dispatch;

/// <summary>
/// Named receivers through the real dispatcher, built as a host builds it (settings → AddUserSyncAlerts),
/// on a real ledger, with the real Slack, PagerDuty and SendGrid channels posting to HTTP servers on
/// loopback: who is told what, once per receiver and channel, and a receiver added later alone.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class ReceiverDeliveryTests(PostgresClusterFixture fixture) : IAsyncLifetime
{
    private LoopbackRecorder _slack = null!;
    private LoopbackRecorder _pagerDuty = null!;
    private LoopbackRecorder _email = null!;
    private MonitoredDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _slack = LoopbackRecorder.Start(200, "ok");
        _pagerDuty = LoopbackRecorder.Start(202, """{"status":"success"}""");
        _email = LoopbackRecorder.Start(202);
        _database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _pagerDuty.DisposeAsync();
        await _email.DisposeAsync();
    }

    [Fact]
    public async Task Ghost_users_reach_oncall_data_eng_and_infra_by_email_and_slack_once_each_however_often_the_message_comes()
    {
        await using var app = Build(PlanReceivers());
        var delivery = app.GetRequiredService<IAlertDelivery>();
        var alert = Alert(CheckNames.GhostUsers, CheckSeverity.Critical);

        var first = await delivery.DeliverAsync(alert, 1, CancellationToken.None);
        var again = await delivery.DeliverAsync(alert, 2, CancellationToken.None);

        Assert.True(first.Delivered, first.Summary);
        Assert.Equal("oncall/email: delivered 202; oncall/slack: delivered 200; data-eng/email: delivered 202; data-eng/slack: delivered 200; "
                     + "infra/email: delivered 202; infra/slack: delivered 200", first.Summary);
        Assert.True(again.Delivered, again.Summary);
        Assert.DoesNotContain("delivered 20", again.Summary, StringComparison.Ordinal);
        Assert.Equal(["/hooks/data-eng", "/hooks/infra", "/hooks/oncall"], _slack.Requests.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["data-eng@usersync.test", "infra@usersync.test", "oncall@usersync.test"], EmailRecipients().Order(StringComparer.Ordinal));
        Assert.Empty(_pagerDuty.Requests);
    }

    [Fact]
    public async Task A_disabled_trigger_pages_oncall_and_infra_with_their_own_routing_keys_and_the_others_hear_nothing()
    {
        await using var app = Build(PlanReceivers());

        var result = await app.GetRequiredService<IAlertDelivery>().DeliverAsync(Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical), 1, CancellationToken.None);

        Assert.True(result.Delivered, result.Summary);
        Assert.Equal(["pd-infra", "pd-oncall"], _pagerDuty.Requests.Select(r => RoutingKey(r.Body)).Order(StringComparer.Ordinal));
        Assert.Equal(["/hooks/infra", "/hooks/oncall"], _slack.Requests.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["infra@usersync.test", "oncall@usersync.test"], EmailRecipients().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Orphans_reach_data_eng_and_infra_by_slack_only_and_a_count_discrepancy_adds_support_by_email_and_slack()
    {
        await using var app = Build(PlanReceivers());
        var delivery = app.GetRequiredService<IAlertDelivery>();

        await delivery.DeliverAsync(Alert(CheckNames.OrphanedProfiles, CheckSeverity.Warning), 1, CancellationToken.None);
        Assert.Equal(["/hooks/data-eng", "/hooks/infra"], _slack.Requests.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Empty(_email.Requests);

        await delivery.DeliverAsync(Alert(CheckNames.CountParity, CheckSeverity.Critical), 1, CancellationToken.None);
        Assert.Equal(["data-eng@usersync.test", "infra@usersync.test", "support@usersync.test"], EmailRecipients().Order(StringComparer.Ordinal));
        Assert.Contains("/hooks/support", _slack.Requests.Select(r => r.Path));
        Assert.Empty(_pagerDuty.Requests);
    }

    [Fact]
    public async Task A_receiver_added_to_a_route_later_gets_the_redelivered_alert_and_the_others_are_not_paged_again()
    {
        var before = PlanReceivers();
        before["UserSync:Alerts:Route:Receivers:0"] = "oncall";
        var alert = Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical);
        await using (var app = Build(before))
        {
            var first = await app.GetRequiredService<IAlertDelivery>().DeliverAsync(alert, 1, CancellationToken.None);
            Assert.Equal("oncall/email: delivered 202; oncall/slack: delivered 200; oncall/pagerduty: delivered 202", first.Summary);
        }

        var after = new Dictionary<string, string?>(before) { ["UserSync:Alerts:Route:Receivers:1"] = "infra" };
        await using (var app = Build(after))
        {
            var redelivered = await app.GetRequiredService<IAlertDelivery>().DeliverAsync(alert, 2, CancellationToken.None);

            Assert.True(redelivered.Delivered, redelivered.Summary);
            Assert.Equal("oncall/email: already delivered; oncall/slack: already delivered; oncall/pagerduty: already delivered; "
                         + "infra/email: delivered 202; infra/slack: delivered 200; infra/pagerduty: delivered 202", redelivered.Summary);
        }

        Assert.Equal(["pd-infra", "pd-oncall"], _pagerDuty.Requests.Select(r => RoutingKey(r.Body)).Order(StringComparer.Ordinal));
        Assert.Equal(["/hooks/infra", "/hooks/oncall"], _slack.Requests.Select(r => r.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_JSON_file_holds_receivers_and_route_and_flat_settings_override_it_with_the_secrets()
    {
        var file = Path.Combine(Path.GetTempPath(), $"usersync-alerts-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            {
              "Receivers": {
                "dba": { "Email": { "Recipients": [ "dba@usersync.test" ] }, "Slack": { "WebhookUrl": "https://hooks.slack.example/replaced" } }
              },
              "Route": {
                "Receivers": [ "dba" ],
                "Routes": [ { "Match": { "severity": "warning" }, "Channels": [ "slack" ] } ]
              }
            }
            """);
        try
        {
            await using var app = Build(new Dictionary<string, string?>
            {
                ["UserSync:Alerts:File"] = file,
                ["UserSync:Alerts:Receivers:dba:Slack:WebhookUrl"] = _slack.BaseUrl + "hooks/dba",
            });
            var delivery = app.GetRequiredService<IAlertDelivery>();

            var warning = await delivery.DeliverAsync(Alert(CheckNames.OrphanedProfiles, CheckSeverity.Warning), 1, CancellationToken.None);
            var critical = await delivery.DeliverAsync(Alert(CheckNames.GhostUsers, CheckSeverity.Critical), 1, CancellationToken.None);

            Assert.Equal("dba/slack: delivered 200", warning.Summary);
            Assert.Equal("dba/email: delivered 202; dba/slack: delivered 200", critical.Summary);
            Assert.Equal(["/hooks/dba", "/hooks/dba"], _slack.Requests.Select(r => r.Path));
            Assert.Equal(["dba@usersync.test"], EmailRecipients());
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "UserSync:Alerts:Route:Routes:0:Receivers:0", "nobody",
            "UserSync:Alerts:Route:Routes:0:Receivers:0 names receiver 'nobody', which is not configured (UserSync:Alerts:Receivers:nobody)." },
        { "UserSync:Alerts:Receivers:oncall:Email:Recipients:0", "oncall at usersync", "UserSync:Alerts:Receivers:oncall:Email:Recipients:0 is not a valid email address." },
        { "UserSync:Alerts:Receivers:infra:Slack:WebhookUrl", "http://hooks.slack.example/services/secret",
            "UserSync:Alerts:Receivers:infra:Slack:WebhookUrl must be an absolute https URL (http only for a loopback host)." },
        { "UserSync:Alerts:File", "/nonexistent/alerts.json",
            "UserSync:Alerts:File names a file that does not exist (relative paths start at the working directory)." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_start_naming_the_setting_and_never_its_value(string key, string? value, string expected)
    {
        var settings = PlanReceivers();
        settings[key] = value;
        if (key.Contains(":Routes:0:", StringComparison.Ordinal))
        {
            settings["UserSync:Alerts:Route:Receivers:0"] = "oncall";
        }

        await using var app = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => app.GetRequiredService<IOptions<AlertRoutingOptions>>().Value);
        Assert.Contains(expected, error.Failures);
        // A receiver's name is no secret; an address, a webhook and a path may be.
        Assert.DoesNotContain(error.Failures, f => value is not null && value != "nobody" && f.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_receiver_with_no_channel_stops_the_start()
    {
        var settings = PlanReceivers();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("UserSync:Alerts:Receivers:support:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        settings["UserSync:Alerts:Receivers:support:PagerDuty:BaseUrl"] = _pagerDuty.BaseUrl;
        await using var app = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => app.GetRequiredService<IOptions<AlertRoutingOptions>>().Value);
        Assert.Contains("UserSync:Alerts:Receivers:support has no channel: set Email:Recipients, Slack:WebhookUrl or PagerDuty:RoutingKey.", error.Failures);
    }

    [Fact]
    public async Task Without_receivers_the_email_provider_needs_its_own_recipients_as_the_default_receiver()
    {
        await using var app = Build([]);

        var error = Assert.Throws<OptionsValidationException>(() => app.GetRequiredService<IOptions<AlertRoutingOptions>>().Value);
        Assert.Contains("UserSync:Alerts:Email:SendGrid:Recipients needs at least one email address.", error.Failures);
    }

    [Fact]
    public async Task A_test_message_goes_through_every_channel_of_one_receiver_and_pagerduty_is_resolved_right_after()
    {
        await using var app = Build(PlanReceivers());
        var router = app.GetRequiredService<AlertRouter>();
        var message = AlertReceiverTest.Message("oncall", "test", "https://example.com/runbook.md", DateTimeOffset.UtcNow);

        var results = await AlertReceiverTest.SendAsync(router.Receiver("oncall")!, app.GetRequiredService<AlertReceiverChannels>(), message, CancellationToken.None);

        Assert.Equal(["email", "slack", "pagerduty"], results.Select(r => r.Channel));
        Assert.All(results, r => Assert.True(r.Result.Delivered, r.Result.Detail));
        Assert.Contains("TEST", Assert.Single(_slack.Requests).Body, StringComparison.Ordinal);
        Assert.Contains("TEST message, nothing is wrong", Assert.Single(_email.Requests).Body, StringComparison.Ordinal);
        Assert.Equal(["trigger", "resolve"], _pagerDuty.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event_action").GetString()));
    }

    /// <summary>The four receivers of the plan, each with email and Slack; oncall and infra with PagerDuty too.</summary>
    private Dictionary<string, string?> PlanReceivers()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var name in DefaultAlertRoutes.Receivers)
        {
            var receiver = $"UserSync:Alerts:Receivers:{name}";
            settings[$"{receiver}:Email:Recipients:0"] = $"{name}@usersync.test";
            settings[$"{receiver}:Slack:WebhookUrl"] = $"{_slack.BaseUrl}hooks/{name}";
            if (name is DefaultAlertRoutes.OnCall or DefaultAlertRoutes.Infrastructure)
            {
                settings[$"{receiver}:PagerDuty:RoutingKey"] = $"pd-{name}";
                settings[$"{receiver}:PagerDuty:BaseUrl"] = _pagerDuty.BaseUrl;
            }
        }

        return settings;
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["UserSync:ConnectionString"] = _database.ConnectionString,
            ["UserSync:Environment"] = "test",
            ["UserSync:Alerts:Email:Provider"] = "sendgrid",
            ["UserSync:Alerts:Email:SendGrid:ApiKey"] = "SG.receivers-test-key",
            ["UserSync:Alerts:Email:SendGrid:From"] = "alerts@usersync.test",
            ["UserSync:Alerts:Email:SendGrid:BaseUrl"] = _email.BaseUrl,
            ["UserSync:Alerts:Http:MaxRetries"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddUserSyncCore();
        services.AddUserSyncAlerts(configuration);
        return services.BuildServiceProvider();
    }

    private List<string> EmailRecipients() =>
    [
        .. _email.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("personalizations").EnumerateArray()
            .SelectMany(p => p.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("email").GetString()!))),
    ];

    private static string RoutingKey(string body) => JsonDocument.Parse(body).RootElement.GetProperty("routing_key").GetString()!;

    private static AlertMessage Alert(string check, CheckSeverity severity) => new()
    {
        AlertId = $"{Guid.NewGuid():N}:{check}:firing",
        Environment = "test",
        Check = check,
        Severity = severity,
        Status = AlertStatus.Firing,
        Observed = "1",
        Expected = "0",
        RunId = Guid.NewGuid(),
        DetectedAt = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero),
        RunbookUrl = "https://example.com/runbook.md",
        DedupKey = AlertMessage.DedupKeyFor("test", check),
    };
}
