using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UserSync.Alerts.Channels;
using UserSync.Alerts.Tests.Http;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace UserSync.Alerts.Tests.PagerDuty;

public sealed class PagerDutyChannelTests : IDisposable
{
    private const string RoutingKey = "R0UT1NGK3Y0123456789abcdefabcdef";
    private const string Enqueue = "/v2/enqueue";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Triggers_an_event_with_the_v2_schema_and_the_numbers_in_custom_details()
    {
        _server.GivenSequence(Enqueue, Accepted());

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.Equal(ChannelDelivery.Ok(202), result);
        var expected = JsonNode.Parse("""
        {
          "routing_key": "R0UT1NGK3Y0123456789abcdefabcdef",
          "event_action": "trigger",
          "dedup_key": "usersync:prod:ghost_users",
          "payload": {
            "summary": "[prod] user sync ghost_users: 12 (expected 0)",
            "source": "usersync",
            "severity": "critical",
            "timestamp": "2026-11-25T14:00:05.000Z",
            "component": "user-sync",
            "group": "prod",
            "class": "ghost_users",
            "custom_details": {
              "observed": 12,
              "expected": 0,
              "run_id": "3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8",
              "samples": ["9c1d2e3f j***@example.com"],
              "environment": "prod"
            }
          },
          "links": [{ "href": "https://example.com/docs/runbook.md#ghost-users", "text": "Runbook" }]
        }
        """);
        Assert.True(JsonNode.DeepEquals(expected, Body(0)), Body(0).ToJsonString());
    }

    [Fact]
    public async Task Resolves_with_the_dedup_key_it_triggered_with()
    {
        _server.GivenSequence(Enqueue, Accepted());

        await SendAsync(SampleAlerts.GhostUsers(AlertStatus.Firing));
        var result = await SendAsync(SampleAlerts.GhostUsers(AlertStatus.Resolved));

        Assert.True(result.Delivered);
        var expected = JsonNode.Parse("""
            { "routing_key": "R0UT1NGK3Y0123456789abcdefabcdef", "event_action": "resolve", "dedup_key": "usersync:prod:ghost_users" }
            """);
        Assert.True(JsonNode.DeepEquals(expected, Body(1)), Body(1).ToJsonString());
        Assert.Equal(Body(0)["dedup_key"]!.GetValue<string>(), Body(1)["dedup_key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(CheckSeverity.Critical, "critical")]
    [InlineData(CheckSeverity.Warning, "warning")]
    public async Task Maps_the_check_severity(CheckSeverity severity, string expected)
    {
        _server.GivenSequence(Enqueue, Accepted());

        await SendAsync(SampleAlerts.GhostUsers(severity: severity));

        Assert.Equal(expected, Body(0)["payload"]!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keeps_a_value_that_is_not_a_number_as_text()
    {
        _server.GivenSequence(Enqueue, Accepted());

        await SendAsync(SampleAlerts.GhostUsers() with { Observed = "database unreachable", Expected = "the check run completes" });

        Assert.Equal("database unreachable", Body(0)["payload"]!["custom_details"]!["observed"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fails_at_once_on_400_without_retrying()
    {
        _server.GivenSequence(Enqueue, Response.Create().WithStatusCode(400).WithBody("""{"status":"invalid event","message":"Event object is invalid"}"""));

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.Equal(ChannelDelivery.Failed(400, "pagerduty answered 400"), result);
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task Retries_a_429_after_its_Retry_After_delay()
    {
        _server.GivenSequence(Enqueue, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"), Accepted());

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.True(result.Delivered);
        var times = _server.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {times[1] - times[0]}");
    }

    [Fact]
    public async Task Fails_after_retrying_a_server_that_keeps_answering_503()
    {
        _server.GivenSequence(Enqueue, Response.Create().WithStatusCode(503));

        var result = await SendAsync(SampleAlerts.GhostUsers());

        Assert.Equal(ChannelDelivery.Failed(503, "pagerduty answered 503"), result);
        Assert.Equal(3, _server.LogEntries.Count);
    }

    [Fact]
    public async Task Fails_when_every_attempt_times_out()
    {
        _server.GivenSequence(Enqueue, Accepted().WithDelay(TimeSpan.FromSeconds(2)));

        var result = await SendAsync(SampleAlerts.GhostUsers(), ("UserSync:Alerts:Http:AttemptTimeout", "00:00:00.200"));

        Assert.Equal(ChannelDelivery.Failed(null, "pagerduty timed out"), result);
    }

    private static IResponseBuilder Accepted() =>
        Response.Create().WithStatusCode(202).WithBody("""{"status":"success","message":"Event processed","dedup_key":"usersync:prod:ghost_users"}""");

    private async Task<ChannelDelivery> SendAsync(AlertMessage alert, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["UserSync:Alerts:PagerDuty:RoutingKey"] = RoutingKey;
        all["UserSync:Alerts:PagerDuty:BaseUrl"] = _server.Url;
        using var provider = ChannelTestHost.Build(s => s.AddPagerDutyChannel(), all);
        var channel = provider.GetServices<IAlertChannel>().Single(c => c.Name == "pagerduty");
        var result = await channel.SendAsync(alert, CancellationToken.None);
        Assert.DoesNotContain(RoutingKey, result.Detail, StringComparison.Ordinal);
        return result;
    }

    private JsonNode Body(int index)
    {
        var entry = _server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).ElementAt(index);
        Assert.Equal(Enqueue, entry.RequestMessage.Path);
        return JsonNode.Parse(entry.RequestMessage.Body!)!;
    }
}
