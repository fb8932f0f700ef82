using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Alerts.Tests.Http;
using UserSync.Core.Alerts;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace UserSync.Alerts.Tests.Slack;

public sealed class SlackChannelTests : IDisposable
{
    private const string HookPath = "/services/T000/B000/s3cr3tw3bh00k";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly RecordingLoggerProvider _logs = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Posts_text_and_blocks_with_severity_check_numbers_samples_and_runbook()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(200).WithBody("ok"));

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.Equal(ChannelDelivery.Ok(200), result);
        var expected = JsonNode.Parse("""
        {
          "text": "[CRITICAL] user sync ghost_users firing (prod): observed 12, expected 0. Runbook: <https://example.com/docs/runbook.md#ghost-users>",
          "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": ":rotating_light: CRITICAL: ghost_users (prod)", "emoji": true } },
            { "type": "section", "fields": [
              { "type": "mrkdwn", "text": "*Severity*\ncritical" },
              { "type": "mrkdwn", "text": "*Status*\nfiring" },
              { "type": "mrkdwn", "text": "*Check*\nghost_users" },
              { "type": "mrkdwn", "text": "*Environment*\nprod" },
              { "type": "mrkdwn", "text": "*Observed*\n12" },
              { "type": "mrkdwn", "text": "*Expected*\n0" },
              { "type": "mrkdwn", "text": "*Run*\n`3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8`" },
              { "type": "mrkdwn", "text": "*Detected at*\n2026-11-25 14:00:05 UTC" } ] },
            { "type": "section", "text": { "type": "mrkdwn", "text": "*Samples (masked)*\n• 9c1d2e3f j***@example.com" } },
            { "type": "section", "text": { "type": "mrkdwn", "text": "*Runbook:* <https://example.com/docs/runbook.md#ghost-users|https://example.com/docs/runbook.md#ghost-users>" } },
            { "type": "context", "elements": [ { "type": "mrkdwn", "text": "dedup key `usersync:prod:ghost_users`" } ] }
          ]
        }
        """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(SingleBody())), SingleBody());
    }

    [Fact]
    public async Task Masks_an_email_that_reaches_the_channel_unmasked()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(200).WithBody("ok"));

        await SendAsync(SampleAlerts.GhostUsers(samples: ["9c1d2e3f jane.doe@example.com"]));

        Assert.DoesNotContain("jane.doe@example.com", SingleBody(), StringComparison.Ordinal);
        Assert.Contains("j***@example.com", SingleBody(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Says_resolved_for_a_resolved_alert()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(200).WithBody("ok"));

        await SendAsync(SampleAlerts.GhostUsers(AlertStatus.Resolved));

        var body = JsonNode.Parse(SingleBody())!;
        Assert.StartsWith("[RESOLVED] user sync ghost_users resolved (prod)", body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(":white_check_mark: RESOLVED: ghost_users (prod)", body["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reports_a_rejected_webhook_as_failed_with_its_status_and_without_the_url()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(404).WithBody("no_service"));

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.Equal(ChannelDelivery.Failed(404, "slack answered 404"), result);
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task Retries_a_503_then_delivers()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(503), Response.Create().WithStatusCode(200).WithBody("ok"));

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.True(result.Delivered);
        Assert.Equal(2, _server.LogEntries.Count);
    }

    [Fact]
    public async Task Fails_without_the_url_when_every_attempt_times_out()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));

        var result = await SendAsync(SampleAlerts.GhostUsers(), ("UserSync:Alerts:Http:AttemptTimeout", "00:00:00.200"));

        Assert.Equal(ChannelDelivery.Failed(null, "slack timed out"), result);
        await _server.WaitForRequestsAsync(3);
        Assert.Equal(3, _server.LogEntries.Count);
    }

    [Fact]
    public async Task Never_logs_the_webhook_url()
    {
        _server.GivenSequence(HookPath, Response.Create().WithStatusCode(503), Response.Create().WithStatusCode(400));

        await SendAsync(SampleAlerts.GhostUsers());

        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("s3cr3tw3bh00k", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T/B/x", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)]
    [InlineData("http://localhost:8080/hook", true)]
    [InlineData("http://hooks.slack.com/services/T/B/x", false)]
    [InlineData("/services/T/B/x", false)]
    public void Accepts_https_webhooks_and_plain_http_only_on_loopback(string url, bool allowed) =>
        Assert.Equal(allowed, SlackOptions.IsAllowedWebhookUrl(new Uri(url, UriKind.RelativeOrAbsolute)));

    [Fact]
    public void Startup_validation_names_the_setting_but_not_the_url()
    {
        using var provider = ChannelTestHost.Build(s => s.AddSlackChannel(),
            new Dictionary<string, string?> { ["UserSync:Alerts:Slack:WebhookUrl"] = "http://hooks.example.com/s3cr3tw3bh00k" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("UserSync:Alerts:Slack:WebhookUrl", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3tw3bh00k", error.Message, StringComparison.Ordinal);
    }

    private async Task<ChannelDelivery> SendAsync(AlertMessage alert, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["UserSync:Alerts:Slack:WebhookUrl"] = _server.Url + HookPath;
        using var provider = ChannelTestHost.Build(s => s.AddSlackChannel(), all, _logs);
        var channel = provider.GetServices<IAlertChannel>().Single(c => c.Name == "slack");
        var result = await channel.SendAsync(alert, CancellationToken.None);
        Assert.DoesNotContain("s3cr3tw3bh00k", result.Detail, StringComparison.Ordinal);
        return result;
    }

    private string SingleBody() => Assert.Single(_server.LogEntries).RequestMessage.Body!;
}
