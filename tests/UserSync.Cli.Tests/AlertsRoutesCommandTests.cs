using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>
/// `usersync alerts routes` and `usersync alerts test --receiver NAME`, reading the app settings
/// from the environment as the function app does, with the real channels posting to loopback servers.
/// </summary>
public sealed class AlertsRoutesCommandTests : IAsyncLifetime
{
    private const string SlackSecret = "T000/B000/s3cr3tw3bh00k";
    private const string RoutingKey = "pd-routing-key-s3cr3t";
    private const string SendGridKey = "SG.s3cr3t-api-key";

    private LoopbackRecorder _slack = null!;
    private LoopbackRecorder _pagerDuty = null!;
    private LoopbackRecorder _email = null!;

    public Task InitializeAsync()
    {
        _slack = LoopbackRecorder.Start(200, "ok");
        _pagerDuty = LoopbackRecorder.Start(202);
        _email = LoopbackRecorder.Start(202);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _pagerDuty.DisposeAsync();
        await _email.DisposeAsync();
    }

    [Fact]
    public async Task Routes_prints_the_plans_table_for_each_check_and_severity_and_how_each_receiver_is_reached_without_secrets()
    {
        var result = await Cli.RunAsync(PlanSettings(), "alerts", "routes", "--json");

        CliAssert.ExitCode(0, result);
        var json = result.Json();
        var routes = json.GetProperty("routes").EnumerateArray().ToDictionary(
            r => $"{r.GetProperty("check").GetString()} {r.GetProperty("severity").GetString()}",
            r => string.Join(" | ", r.GetProperty("receivers").EnumerateArray()
                .Select(x => $"{x.GetProperty("receiver").GetString()}: {string.Join(", ", x.GetProperty("channels").EnumerateArray().Select(c => c.GetString()))}")));
        Assert.Equal("oncall: email, slack | data-eng: email, slack | infra: email, slack", routes["ghost_users critical"]);
        Assert.Equal("oncall: email, slack, pagerduty | infra: email, slack, pagerduty", routes["trigger_enabled critical"]);
        Assert.Equal("data-eng: slack | infra: slack", routes["orphaned_profiles warning"]);
        Assert.Equal("data-eng: email, slack | infra: email, slack | support: email, slack", routes["count_parity critical"]);
        var how = json.GetProperty("receivers").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("receiver").GetString()}/{r.GetProperty("channel").GetString()}", r => r.GetProperty("how").GetString());
        Assert.Equal("o***@usersync.test", how["oncall/email"]);
        Assert.Equal("webhook on 127.0.0.1", how["oncall/slack"]);
        Assert.Equal("routing key configured", how["oncall/pagerduty"]);
        Assert.Contains("plan's table", json.GetProperty("form").GetString(), StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Routes_as_a_table_names_the_form_and_every_check()
    {
        var result = await Cli.RunAsync(PlanSettings(), "alerts", "routes");

        CliAssert.ExitCode(0, result);
        Assert.StartsWith("Receivers with the default routing tree", result.Stdout, StringComparison.Ordinal);
        foreach (var check in new[] { "ghost_users", "trigger_enabled", "orphaned_profiles", "count_parity", "monitor_failed" })
        {
            Assert.Contains(check, result.Stdout, StringComparison.Ordinal);
        }

        AssertNoSecret(result);
    }

    [Fact]
    public async Task Routes_in_the_single_receiver_form_shows_the_flat_settings_as_the_receiver_default()
    {
        var result = await Cli.RunAsync(new Dictionary<string, string>
        {
            ["UserSync__Alerts__Slack__WebhookUrl"] = $"{_slack.BaseUrl}{SlackSecret}",
            ["UserSync__Alerts__Routes__Critical"] = "slack",
            ["UserSync__Alerts__Routes__Checks__trigger_enabled"] = "none",
            ["UserSync__Alerts__Routes__Checks__monitor_failed"] = "none",
        }, "alerts", "routes", "--json");

        CliAssert.ExitCode(0, result);
        var ghost = result.Json().GetProperty("routes").EnumerateArray()
            .Single(r => r.GetProperty("check").GetString() == "orphaned_profiles" && r.GetProperty("severity").GetString() == "warning");
        var receiver = Assert.Single(ghost.GetProperty("receivers").EnumerateArray());
        Assert.Equal("default", receiver.GetProperty("receiver").GetString());
        Assert.Equal(["slack"], receiver.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.StartsWith("Single-receiver form", result.Json().GetProperty("form").GetString(), StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Invalid_settings_exit_64_naming_the_setting_and_not_its_value()
    {
        var settings = PlanSettings();
        settings["UserSync__Alerts__Receivers__support__Email__Recipients__0"] = "support-at-usersync";
        settings["UserSync__Alerts__Route__Receivers__0"] = "nobody";

        var result = await Cli.RunAsync(settings, "alerts", "routes");

        CliAssert.ExitCode(64, result);
        Assert.Contains("usersync: UserSync:Alerts:Receivers:support:Email:Recipients:0 is not a valid email address.", result.StderrLines);
        Assert.Contains("usersync: UserSync:Alerts:Route:Receivers:0 names receiver 'nobody', which is not configured (UserSync:Alerts:Receivers:nobody).",
            result.StderrLines);
        Assert.DoesNotContain("support-at-usersync", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_sends_a_labelled_message_through_every_channel_of_the_receiver_and_nobody_else()
    {
        var result = await Cli.RunAsync(PlanSettings(), "alerts", "test", "--receiver", "oncall");

        CliAssert.ExitCode(0, result);
        Assert.Contains(result.StdoutLines, l => l.StartsWith("oncall/email: sent 202 (", StringComparison.Ordinal) && l.EndsWith(") - o***@usersync.test", StringComparison.Ordinal));
        Assert.Contains("oncall/slack: sent 200 (delivered) - webhook on 127.0.0.1", result.StdoutLines);
        Assert.Contains("oncall/pagerduty: sent 202 (delivered and resolved) - routing key configured", result.StdoutLines);
        Assert.Equal(["/hooks/oncall/" + SlackSecret], _slack.Requests.Select(r => r.Path));
        Assert.Contains("TEST: a test message for receiver ", _slack.Requests.Single().Body, StringComparison.Ordinal);
        var to = JsonDocument.Parse(_email.Requests.Single().Body).RootElement.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString();
        Assert.Equal("oncall@usersync.test", to);
        Assert.Equal(2, _pagerDuty.Requests.Count);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Test_exits_3_when_a_channel_fails_and_says_which()
    {
        _slack.Status = 500;

        var result = await Cli.RunAsync(PlanSettings(), "alerts", "test", "--receiver", "support");

        CliAssert.ExitCode(3, result);
        Assert.Contains("support/slack: FAILED 500 (slack answered 500) - webhook on 127.0.0.1", result.StdoutLines);
        Assert.Contains(result.StdoutLines, l => l.StartsWith("support/email: sent 202 (", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, l => l.EndsWith("1 of 2 channel(s) failed.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_with_an_unknown_receiver_exits_64_and_lists_the_receivers()
    {
        var result = await Cli.RunAsync(PlanSettings(), "alerts", "test", "--receiver", "nobody");

        CliAssert.ExitCode(64, result);
        Assert.Equal("usersync: no receiver 'nobody'; configured: data-eng, infra, oncall, support.", Assert.Single(result.StderrLines));
        Assert.Empty(_slack.Requests);
    }

    private Dictionary<string, string> PlanSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["UserSync__Alerts__Email__Provider"] = "sendgrid",
            ["UserSync__Alerts__Email__SendGrid__ApiKey"] = SendGridKey,
            ["UserSync__Alerts__Email__SendGrid__From"] = "alerts@usersync.test",
            ["UserSync__Alerts__Email__SendGrid__BaseUrl"] = _email.BaseUrl,
            ["UserSync__Alerts__Http__MaxRetries"] = "0",
            ["UserSync__Environment"] = "test",
        };
        foreach (var name in new[] { "oncall", "data-eng", "infra", "support" })
        {
            settings[$"UserSync__Alerts__Receivers__{name}__Email__Recipients__0"] = $"{name}@usersync.test";
            settings[$"UserSync__Alerts__Receivers__{name}__Slack__WebhookUrl"] = $"{_slack.BaseUrl}hooks/{name}/{SlackSecret}";
            if (name is "oncall" or "infra")
            {
                settings[$"UserSync__Alerts__Receivers__{name}__PagerDuty__RoutingKey"] = RoutingKey;
                settings[$"UserSync__Alerts__Receivers__{name}__PagerDuty__BaseUrl"] = _pagerDuty.BaseUrl;
            }
        }

        return settings;
    }

    private static void AssertNoSecret(CliResult result)
    {
        foreach (var secret in new[] { SlackSecret, RoutingKey, SendGridKey, "oncall@usersync.test" })
        {
            Assert.DoesNotContain(secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }
}
