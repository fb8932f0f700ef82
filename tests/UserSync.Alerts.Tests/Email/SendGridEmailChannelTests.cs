using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace UserSync.Alerts.Tests.Email;

public sealed class SendGridEmailChannelTests : IDisposable
{
    private const string SendPath = "/v3/mail/send";

    private readonly WireMockServer server = WireMockServer.Start();
    private readonly LogCapture logs = new();

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
        logs.Dispose();
    }

    [Fact]
    public async Task Posts_a_v3_mail_send_with_the_rendered_email_and_counts_202_as_delivered()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));

        var result = await SendAsync();

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(202, result.StatusCode);
        var request = Assert.Single(await EmailTestHost.RequestsAsync(server, 1)).RequestMessage;
        Assert.Equal($"Bearer {EmailTestHost.ApiKey}", request.Headers!["Authorization"].Single());
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        var to = root.GetProperty("personalizations").EnumerateArray().Single().GetProperty("to").EnumerateArray()
            .Select(a => a.GetProperty("email").GetString());
        Assert.Equal([EmailTestHost.Recipient, EmailTestHost.SecondRecipient], to);
        Assert.Equal("alerts@mail.example.com", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("[CRITICAL] user sync: 12 ghost users (prod)", root.GetProperty("subject").GetString());
        var content = root.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["text/plain", "text/html"], content.Select(c => c.GetProperty("type").GetString()));
        var expected = EmailContent.Render(EmailTestHost.GhostAlert());
        Assert.Equal(expected.PlainText, content[0].GetProperty("value").GetString());
        Assert.Equal(expected.Html, content[1].GetProperty("value").GetString());
        Assert.False(root.GetProperty("tracking_settings").GetProperty("click_tracking").GetProperty("enable").GetBoolean());
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task Retries_a_429_after_its_Retry_After_delay()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("throttle").WillSetStateTo("throttled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("throttle").WhenStateIs("throttled")
            .RespondWith(Response.Create().WithStatusCode(202));

        var result = await SendAsync();

        Assert.True(result.Delivered, result.Detail);
        var requests = await EmailTestHost.RequestsAsync(server, 2);
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].RequestMessage.DateTime - requests[0].RequestMessage.DateTime >= TimeSpan.FromMilliseconds(950),
            "the retry came before Retry-After allowed");
    }

    [Fact]
    public async Task Retries_a_503_and_then_delivers()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("outage").WillSetStateTo("down-once")
            .RespondWith(Response.Create().WithStatusCode(503));
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("outage").WhenStateIs("down-once")
            .RespondWith(Response.Create().WithStatusCode(202));

        var result = await SendAsync();

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(2, (await EmailTestHost.RequestsAsync(server, 2)).Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    public async Task Does_not_retry_a_permanent_error_and_says_only_the_status(int status)
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status)
                .WithBody($$"""{"errors":[{"message":"bad key {{EmailTestHost.ApiKey}} for {{EmailTestHost.Recipient}}","field":null}]}"""));

        var result = await SendAsync();

        Assert.False(result.Delivered);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal($"SendGrid answered {status}", result.Detail);
        await Task.Delay(100); // a retry would come after BaseDelay (10 ms)
        Assert.Single(server.LogEntries);
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_and_then_fails()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromSeconds(2.5)));

        var result = await SendAsync(new() { ["UserSync:Alerts:Http:MaxRetries"] = "1", ["UserSync:Alerts:Http:AttemptTimeout"] = "00:00:01" });

        Assert.False(result.Delivered);
        Assert.Null(result.StatusCode);
        Assert.Equal("SendGrid request failed: TimeoutRejectedException", result.Detail);
        // WireMock records a request only once its delayed answer is written, so wait for the retries to show up.
        Assert.True((await EmailTestHost.RequestsAsync(server, 2, TimeSpan.FromSeconds(10))).Count == 2, "the timed-out attempt was not retried");
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public void Missing_settings_fail_at_start_naming_the_setting()
    {
        using var provider = EmailTestHost.Build([], s => s.AddSendGridEmailChannel(), logs);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SendGridEmailOptions>>().Value);

        Assert.Contains("UserSync:Alerts:Email:SendGrid:ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("UserSync:Alerts:Email:SendGrid:From", error.Message, StringComparison.Ordinal);
    }

    private async Task<ChannelDelivery> SendAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["UserSync:Alerts:Email:SendGrid:ApiKey"] = EmailTestHost.ApiKey,
            ["UserSync:Alerts:Email:SendGrid:From"] = "alerts@mail.example.com",
            ["UserSync:Alerts:Email:SendGrid:Recipients:0"] = EmailTestHost.Recipient,
            ["UserSync:Alerts:Email:SendGrid:Recipients:1"] = EmailTestHost.SecondRecipient,
            ["UserSync:Alerts:Email:SendGrid:BaseUrl"] = server.Url,
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        using var provider = EmailTestHost.Build(settings, s => s.AddSendGridEmailChannel(), logs);
        var channel = Assert.Single(provider.GetServices<IAlertChannel>());
        Assert.IsType<SendGridEmailChannel>(channel);
        Assert.Equal("email", channel.Name);
        return await channel.SendAsync(EmailTestHost.GhostAlert(), CancellationToken.None);
    }
}
