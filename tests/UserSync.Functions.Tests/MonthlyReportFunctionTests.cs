using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UserSync.Alerts;
using UserSync.Core.Alerts;
using UserSync.Core.Reports;
using UserSync.Functions.Functions;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// MonthlyReport as the timer runs it on the 1st: the example month (tests/Shared/ExampleMonth.cs)
/// in a real PostgreSQL, the real ledger, and the real SendGrid and Slack channels posting to HTTP
/// servers on loopback; the start-up checks of its settings.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed partial class MonthlyReportFunctionTests(PostgresClusterFixture fixture) : IAsyncDisposable
{
    private readonly LoopbackRecorder _email = LoopbackRecorder.Start(202);
    private readonly LoopbackRecorder _slack = LoopbackRecorder.Start(200, "ok");
    private readonly LoopbackRecorder _pagerDuty = LoopbackRecorder.Start(202, """{"status":"success"}""");

    public async ValueTask DisposeAsync()
    {
        await _email.DisposeAsync();
        await _slack.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    [Fact]
    public async Task Off_by_default_it_builds_and_sends_nothing_and_logs_that_it_is_off()
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var deliveries = await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);

        Assert.Empty(deliveries);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("MonthlyReport is off", StringComparison.Ordinal));
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("0 0 6 1 *")]
    [InlineData("monthly")]
    public async Task A_schedule_that_is_not_six_field_NCRONTAB_stops_the_app_naming_MonthlyReportSchedule(string schedule)
    {
        await using var app = TestApp.Create("Host=unused", new Dictionary<string, string?> { ["MonthlyReportSchedule"] = schedule });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("MonthlyReportSchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_schedule_is_six_in_the_morning_UTC_on_the_first()
    {
        var options = new MonthlyReportOptions();

        Assert.Equal("0 0 6 1 * *", options.MonthlyReportSchedule);
        Assert.True(new MonthlyReportOptionsValidator().Validate(null, options).Succeeded);
        var next = Cronos.CronExpression.Parse(options.MonthlyReportSchedule, Cronos.CronFormat.IncludeSeconds)
            .GetNextOccurrence(new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc), TimeZoneInfo.Utc);
        Assert.Equal(new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc), next);
    }

    [Fact]
    public async Task An_enabled_report_naming_a_receiver_that_does_not_exist_stops_the_app_naming_the_setting()
    {
        var settings = Settings(PlanReceivers(), "oncall", "finance");
        await using var app = TestApp.Create("Host=unused", settings);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("UserSync:Report:Receivers:1 names 'finance', which is not a receiver", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UserSync:Report:Receivers:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enabled_report_without_receivers_and_without_flat_email_or_Slack_stops_the_app()
    {
        await using var app = TestApp.Create("Host=unused", new Dictionary<string, string?> { ["UserSync:Report:Enabled"] = "true" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("UserSync:Report:Receivers (none given: the receiver 'default')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Last_months_report_goes_once_to_each_report_receivers_email_and_Slack_and_names_no_one()
    {
        var db = await ExampleDatabaseAsync();
        await using var app = App(db, "support", "data-eng");

        var deliveries = await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);

        Assert.Equal([("support", "email"), ("support", "slack"), ("data-eng", "email"), ("data-eng", "slack")],
            deliveries.Select(d => (d.Receiver, d.Channel)));
        Assert.All(deliveries, d => Assert.Equal(ReportDeliveryOutcome.Delivered, d.Outcome));
        Assert.Empty(_pagerDuty.Requests);

        // The email is the report of November 2026, built from the same records: HTML with the
        // markdown as its plain-text part, to each receiver's own recipients.
        var expected = await app.Services.GetRequiredService<SuccessReports>().BuildAsync(ReportPeriod.Month(2026, 11), CancellationToken.None);
        var emails = _email.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["support@usersync.test", "data-eng@usersync.test"], emails.Select(e =>
            e.GetProperty("personalizations")[0].GetProperty("to").EnumerateArray().Single().GetProperty("email").GetString()));
        Assert.All(emails, e =>
        {
            var content = e.GetProperty("content").EnumerateArray().ToList();
            Assert.Equal(ReportMarkdown.Render(expected), content[0].GetProperty("value").GetString());
            Assert.Equal(ReportHtml.Render(expected), content[1].GetProperty("value").GetString());
            Assert.StartsWith("[REPORT] user sync success metrics 2026-11 (test): ", e.GetProperty("subject").GetString(), StringComparison.Ordinal);
        });
        Assert.Contains("<svg", ReportHtml.Render(expected), StringComparison.Ordinal);

        // Slack gets the summary: one line per target, on each receiver's own webhook.
        Assert.Equal(["/hooks/support", "/hooks/data-eng"], _slack.Requests.Select(r => r.Path));
        var slack = JsonDocument.Parse(_slack.Requests.First().Body).RootElement;
        Assert.StartsWith("User sync success metrics 2026-11 (test): ", slack.GetProperty("text").GetString(), StringComparison.Ordinal);
        var targets = slack.GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString()!.Split('\n');
        Assert.Equal(expected.Objectives.Count, targets.Length);
        Assert.Equal(expected.Objectives.Count(o => o.Met == false), targets.Count(t => t.StartsWith(":x:", StringComparison.Ordinal)));

        // What was sent names no one: no email address in the report's text or Slack's.
        var sent = string.Join('\n', emails.SelectMany(e => e.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("value").GetString())))
                   + string.Join('\n', _slack.Requests.Select(r => r.Body));
        Assert.DoesNotMatch(EmailAddress(), sent);
        Assert.DoesNotContain("@usersync.test", app.Logs.Text, StringComparison.Ordinal);

        // The ledger holds each receiver's channel once, under the report's own id.
        Assert.Equal(4L, await db.ScalarAsync<long>(
            "select count(*) from user_sync.alert_deliveries where alert_id = 'report:test:2026-11' and status = 'delivered'"));
    }

    [Fact]
    public async Task A_second_firing_for_the_same_month_sends_nothing_again()
    {
        var db = await ExampleDatabaseAsync();
        await using var app = App(db, "support");
        await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);

        var again = await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);

        Assert.Equal([ReportDeliveryOutcome.AlreadyDelivered, ReportDeliveryOutcome.AlreadyDelivered], again.Select(d => d.Outcome));
        Assert.Single(_email.Requests);
        Assert.Single(_slack.Requests);
    }

    [Fact]
    public async Task A_channel_that_fails_makes_the_firing_throw_and_the_retry_sends_only_that_channel()
    {
        var db = await ExampleDatabaseAsync();
        await using var app = App(db, "support");
        _slack.Status = 500;

        var error = await Assert.ThrowsAsync<ReportNotDeliveredException>(
            () => app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None));
        Assert.Contains("support/slack", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks", error.Message, StringComparison.Ordinal);
        Assert.Single(_email.Requests);

        _slack.Status = 200;
        var retry = await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);

        Assert.Equal([("email", ReportDeliveryOutcome.AlreadyDelivered), ("slack", ReportDeliveryOutcome.Delivered)],
            retry.Select(d => (d.Channel, d.Outcome)));
        Assert.Single(_email.Requests);
        Assert.Equal(2, _slack.Requests.Count);
    }

    [Fact]
    public async Task The_report_id_in_the_ledger_is_left_out_of_the_next_reports_delivery_figures()
    {
        var db = await ExampleDatabaseAsync();
        await using var app = App(db, "support");
        var reports = app.Services.GetRequiredService<SuccessReports>();
        var before = await reports.BuildAsync(ReportPeriod.Month(2026, 12), CancellationToken.None);

        await app.Function<MonthlyReportFunction>().SendLastMonthAsync(CancellationToken.None);
        var after = await reports.BuildAsync(ReportPeriod.Month(2026, 12), CancellationToken.None);

        // Sent on 1 December: in December's period, but not an alert, so no figure moves.
        Assert.Equal(ReportJson.Serialize(before), ReportJson.Serialize(after));
    }

    private TestApp App(MonitoredDatabase db, params string[] reportReceivers) =>
        TestApp.Create(db.ConnectionString, Settings(PlanReceivers(), reportReceivers),
            services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(ExampleMonth.ReportClock)));

    private async Task<MonitoredDatabase> ExampleDatabaseAsync()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await fixture.Cluster.ExecuteAsync(db.Name, ExampleMonth.Sql());
        return db;
    }

    private Dictionary<string, string?> Settings(Dictionary<string, string?> receivers, params string[] reportReceivers)
    {
        var settings = new Dictionary<string, string?>(receivers)
        {
            ["UserSync:Report:Enabled"] = "true",
            ["UserSync:Alerts:Email:Provider"] = "sendgrid",
            ["UserSync:Alerts:Email:SendGrid:ApiKey"] = "SG.report-test-key",
            ["UserSync:Alerts:Email:SendGrid:From"] = "reports@usersync.test",
            ["UserSync:Alerts:Email:SendGrid:BaseUrl"] = _email.BaseUrl,
            ["UserSync:Alerts:Http:MaxRetries"] = "0",
        };
        for (var i = 0; i < reportReceivers.Length; i++)
        {
            settings[$"UserSync:Report:Receivers:{i}"] = reportReceivers[i];
        }

        return settings;
    }

    /// <summary>The plan's four receivers, each with email and Slack; oncall and infra with PagerDuty too.</summary>
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

    [GeneratedRegex(@"[\w.+-]+@[\w-]+\.[\w.-]+")]
    private static partial Regex EmailAddress();
}
