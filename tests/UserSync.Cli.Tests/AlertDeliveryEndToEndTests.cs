using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using UserSync.Cli.Emulation;
using UserSync.Functions;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>
/// The whole alert path on real parts: PostgreSQL (checks, ledger), the real handler in process,
/// Azurite as the queue (messages base64 as the host writes them), and loopback HTTP servers
/// standing in for Slack and PagerDuty. `usersync emulate` plays the Functions host.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AlertDeliveryEndToEndTests(PostgresClusterFixture fixture, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync()
    {
        var service = new QueueServiceClient(azurite.Server.ConnectionString);
        await service.GetQueueClient(FunctionsHostEmulator.AlertsQueue).DeleteIfExistsAsync();
        await service.GetQueueClient(FunctionsHostEmulator.PoisonQueue).DeleteIfExistsAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ghosts_reach_email_slack_and_pagerduty_once_and_the_repair_resolves_the_same_pagerduty_incident()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.AddGhostsAsync(3);
        var slack = Own(LoopbackRecorder.Start(200, "ok"));
        var pagerDuty = Own(LoopbackRecorder.Start(202, """{"status":"success"}"""));
        var email = Own(LoopbackRecorder.Start(202));
        var handler = await StartHandlerAsync(database, slack, pagerDuty, email);

        CliAssert.ExitCode(0, await EmulateAsync(handler, "daily-check"));
        var queue = new QueueClient(azurite.Server.ConnectionString, FunctionsHostEmulator.AlertsQueue, FunctionsHostEmulator.QueueOptions);
        var queued = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        CliAssert.ExitCode(0, await EmulateAsync(handler, "dispatch"));

        // The queue delivers at least once: the same messages again reach no channel a second time.
        foreach (var body in queued)
        {
            await queue.SendMessageAsync(body);
        }

        CliAssert.ExitCode(0, await EmulateAsync(handler, "dispatch"));
        Assert.Equal(2, slack.Requests.Count);
        Assert.Equal(2, email.Requests.Count);
        Assert.All(email.Requests, r => Assert.Equal("/v3/mail/send", r.Path));
        Assert.Contains(email.Requests, r => r.Body.Contains("[CRITICAL] user sync", StringComparison.Ordinal));
        var trigger = JsonDocument.Parse(Assert.Single(pagerDuty.Requests).Body).RootElement;
        Assert.Equal("trigger", trigger.GetProperty("event_action").GetString());
        Assert.Equal("usersync:test:ghost_users", trigger.GetProperty("dedup_key").GetString());
        Assert.Equal("routing-key-e2e", trigger.GetProperty("routing_key").GetString());

        CliAssert.ExitCode(0, await database.RunAsync("repair", "--apply", "--yes"));
        CliAssert.ExitCode(0, await EmulateAsync(handler, "daily-check"));
        CliAssert.ExitCode(0, await EmulateAsync(handler, "dispatch"));

        Assert.Equal(4, slack.Requests.Count);
        Assert.Equal(4, email.Requests.Count);
        Assert.All(slack.Requests.Skip(2), r => Assert.Contains("resolved", r.Body, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, pagerDuty.Requests.Count);
        var resolve = JsonDocument.Parse(pagerDuty.Requests.Last().Body).RootElement;
        Assert.Equal("resolve", resolve.GetProperty("event_action").GetString());
        Assert.Equal("usersync:test:ghost_users", resolve.GetProperty("dedup_key").GetString());
        Assert.DoesNotContain(slack.Requests.Concat(pagerDuty.Requests).Concat(email.Requests),
            r => r.Body.Contains("ghost001@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_alert_whose_channel_keeps_failing_ends_in_the_poison_queue_and_alerts_poison_lists_it()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.AddGhostsAsync(1);
        var slack = Own(LoopbackRecorder.Start(500, "down"));
        var pagerDuty = Own(LoopbackRecorder.Start(202, """{"status":"success"}"""));
        var handler = await StartHandlerAsync(database, slack, pagerDuty);
        CliAssert.ExitCode(0, await EmulateAsync(handler, "daily-check"));

        var dispatch = await EmulateAsync(handler, "dispatch", "--max-dequeue-count", "3");

        CliAssert.ExitCode(1, dispatch);
        Assert.Contains("2 moved to user-sync-alerts-poison", dispatch.Stdout, StringComparison.Ordinal);
        // PagerDuty took ghost_users on the first try; the ledger kept the retries away from it.
        Assert.Single(pagerDuty.Requests);
        var listed = await Cli.RunAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.Server.ConnectionString },
            "alerts", "poison", "list", "--json");
        CliAssert.ExitCode(0, listed);
        var checks = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray()
            .Select(r => r.GetProperty("summary").GetString()!).ToList();
        Assert.Contains(checks, s => s.Contains("ghost_users firing", StringComparison.Ordinal));
        Assert.Contains(checks, s => s.Contains("count_parity firing", StringComparison.Ordinal));
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private async Task<string> StartHandlerAsync(MonitoredDatabase database, LoopbackRecorder slack, LoopbackRecorder pagerDuty,
        LoopbackRecorder? email = null)
    {
        var port = AzuriteServer.FreePort();
        var app = HandlerApp.Build([], builder =>
        {
            var settings = builder.Configuration;
            settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            settings["UserSync:ConnectionString"] = database.ConnectionString;
            settings["UserSync:Environment"] = "test";
            settings["UserSync:Alerts:Routes:Critical"] = email is null ? "slack" : "email,slack";
            if (email is not null)
            {
                settings["UserSync:Alerts:Email:Provider"] = "sendgrid";
                settings["UserSync:Alerts:Email:SendGrid:ApiKey"] = "SG.e2e-test-key";
                settings["UserSync:Alerts:Email:SendGrid:From"] = "alerts@usersync.test";
                settings["UserSync:Alerts:Email:SendGrid:Recipients:0"] = "oncall@usersync.test";
                settings["UserSync:Alerts:Email:SendGrid:BaseUrl"] = email.BaseUrl;
            }

            settings["UserSync:Alerts:Routes:Checks:ghost_users"] = "pagerduty";
            settings["UserSync:Alerts:Slack:WebhookUrl"] = slack.BaseUrl + "services/T000/B000/secretpath";
            settings["UserSync:Alerts:PagerDuty:RoutingKey"] = "routing-key-e2e";
            settings["UserSync:Alerts:PagerDuty:BaseUrl"] = pagerDuty.BaseUrl;
            settings["UserSync:Alerts:Http:MaxRetries"] = "0";
            settings["UserSync:Alerts:Http:AttemptTimeout"] = "00:00:05";
        });
        await app.StartAsync();
        _owned.Add(app);
        return $"http://127.0.0.1:{port}/";
    }

    private Task<CliResult> EmulateAsync(string handler, string verb, params string[] extra) =>
        Cli.RunAsync(["emulate", verb, "--handler", handler, "--storage", azurite.Server.ConnectionString, .. extra]);
}
