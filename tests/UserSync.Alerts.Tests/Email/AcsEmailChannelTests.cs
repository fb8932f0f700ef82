using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace UserSync.Alerts.Tests.Email;

public sealed class AcsEmailChannelTests : IDisposable
{
    private const string SendPath = "/emails:send";
    private const string OperationPath = "/emails/operations/op-1";

    private readonly WireMockServer server = WireMockServer.Start();
    private readonly LogCapture logs = new();
    private readonly FakeTokenCredential credential = new();

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
        logs.Dispose();
    }

    [Fact]
    public async Task Posts_the_email_with_an_Entra_token_and_follows_the_operation_until_it_succeeds()
    {
        GivenAccepted();
        GivenOperation("Running", then: "Succeeded");

        var result = await SendAsync(accessKey: null);

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(200, result.StatusCode);
        var requests = await EmailTestHost.RequestsAsync(server, 3);
        Assert.Equal(["POST", "GET", "GET"], requests.Select(r => r.RequestMessage.Method));
        var post = requests[0].RequestMessage;
        Assert.Equal("/emails:send?api-version=2023-03-31", new Uri(post.Url).PathAndQuery);
        Assert.All(requests, r => Assert.Equal($"Bearer {EmailTestHost.Token}", Header(r, "Authorization")));
        Assert.All(credential.Scopes, s => Assert.Equal("https://communication.azure.com/.default", s));
        Assert.True(Guid.TryParse(Header(requests[0], "Operation-Id"), out _));

        using var body = JsonDocument.Parse(post.Body!);
        var root = body.RootElement;
        Assert.Equal(["senderAddress", "content", "recipients"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("alerts@mail.example.com", root.GetProperty("senderAddress").GetString());
        var content = root.GetProperty("content");
        Assert.Equal(["subject", "plainText", "html"], content.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[CRITICAL] user sync: 12 ghost users (prod)", content.GetProperty("subject").GetString());
        Assert.Contains("Observed:", content.GetProperty("plainText").GetString(), StringComparison.Ordinal);
        Assert.Contains("https://example.com/runbook#ghost-users", content.GetProperty("html").GetString(), StringComparison.Ordinal);
        var to = root.GetProperty("recipients").GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString());
        Assert.Equal([EmailTestHost.Recipient, EmailTestHost.SecondRecipient], to);
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task Signs_every_request_with_the_access_key_as_an_independent_computation_expects()
    {
        GivenAccepted();
        GivenOperation("Succeeded");

        var result = await SendAsync(accessKey: EmailTestHost.AccessKey);

        Assert.True(result.Delivered, result.Detail);
        var requests = await EmailTestHost.RequestsAsync(server, 2);
        Assert.Equal(2, requests.Count);
        foreach (var entry in requests)
        {
            var request = entry.RequestMessage;
            var date = Header(entry, "x-ms-date");
            Assert.InRange(DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            var bodyBytes = request.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.Body ?? "");
            var expectedHash = Convert.ToBase64String(SHA256.HashData(bodyBytes));
            Assert.Equal(expectedHash, Header(entry, "x-ms-content-sha256"));
            var uri = new Uri(request.Url);
            var stringToSign = request.Method + "\n" + uri.PathAndQuery + "\n" + date + ";" + Header(entry, "Host") + ";" + expectedHash;
            using var hmac = new HMACSHA256(Convert.FromBase64String(EmailTestHost.AccessKey));
            var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
            Assert.Equal($"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}", Header(entry, "Authorization"));
        }

        Assert.Equal(new Uri(server.Url!).Authority, Header(requests[0], "Host"));
        Assert.Empty(credential.Scopes);
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task A_failed_operation_is_a_failed_delivery_with_the_error_code_only()
    {
        GivenAccepted();
        server.Given(Request.Create().WithPath(OperationPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"id":"op-1","status":"Failed","error":{"code":"EmailDroppedAllRecipientsSuppressed","message":"{{{EmailTestHost.Recipient}}} is suppressed"}}"""));

        var result = await SendAsync(accessKey: EmailTestHost.AccessKey);

        Assert.False(result.Delivered);
        Assert.Equal("ACS email operation Failed (EmailDroppedAllRecipientsSuppressed)", result.Detail);
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task Retries_a_429_after_its_Retry_After_delay()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("throttle").WillSetStateTo("throttled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("throttle").WhenStateIs("throttled")
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Operation-Location", OperationUrl()).WithHeader("Retry-After", "0"));
        GivenOperation("Succeeded");

        var result = await SendAsync(accessKey: null);

        Assert.True(result.Delivered, result.Detail);
        var posts = (await EmailTestHost.RequestsAsync(server, 3)).Where(r => r.RequestMessage.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].RequestMessage.DateTime - posts[0].RequestMessage.DateTime >= TimeSpan.FromMilliseconds(950),
            "the retry came before Retry-After allowed");
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task Retries_a_503_and_then_delivers()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("outage").WillSetStateTo("down-once")
            .RespondWith(Response.Create().WithStatusCode(503));
        server.Given(Request.Create().WithPath(SendPath).UsingPost()).InScenario("outage").WhenStateIs("down-once")
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Operation-Location", OperationUrl()).WithHeader("Retry-After", "0"));
        GivenOperation("Succeeded");

        var result = await SendAsync(accessKey: EmailTestHost.AccessKey);

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(2, (await EmailTestHost.RequestsAsync(server, 3)).Count(r => r.RequestMessage.Method == "POST"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    public async Task Does_not_retry_a_permanent_error(int status)
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"error":{"code":"Denied","message":"key {{{EmailTestHost.AccessKey}}} for {{{EmailTestHost.Recipient}}}"}}"""));

        var result = await SendAsync(accessKey: EmailTestHost.AccessKey);

        Assert.False(result.Delivered);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal($"ACS email send answered {status} (Denied)", result.Detail);
        await Task.Delay(100); // a retry would come after BaseDelay (10 ms)
        Assert.Single(server.LogEntries);
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_and_then_fails()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Operation-Location", OperationUrl()).WithDelay(TimeSpan.FromSeconds(2.5)));

        var result = await SendAsync(accessKey: null, new() { ["UserSync:Alerts:Http:MaxRetries"] = "1", ["UserSync:Alerts:Http:AttemptTimeout"] = "00:00:01" });

        Assert.False(result.Delivered);
        Assert.Null(result.StatusCode);
        Assert.Equal("ACS email request failed: TimeoutRejectedException", result.Detail);
        // WireMock records a request only once its delayed answer is written, so wait for the retries to show up.
        Assert.True((await EmailTestHost.RequestsAsync(server, 2, TimeSpan.FromSeconds(10))).Count == 2, "the timed-out attempt was not retried");
        EmailTestHost.AssertNothingSecret(result, logs);
    }

    [Fact]
    public async Task Gives_up_after_the_configured_number_of_status_checks()
    {
        GivenAccepted();
        server.Given(Request.Create().WithPath(OperationPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Retry-After", "0").WithBody("""{"id":"op-1","status":"Running"}"""));

        var result = await SendAsync(accessKey: null, new() { ["UserSync:Alerts:Email:Acs:MaxPolls"] = "3" });

        Assert.False(result.Delivered);
        Assert.Equal("ACS email operation still Running after 3 status checks", result.Detail);
        Assert.Equal(3, (await EmailTestHost.RequestsAsync(server, 4)).Count(r => r.RequestMessage.Method == "GET"));
    }

    [Fact]
    public async Task Does_not_send_credentials_to_an_Operation_Location_on_another_host()
    {
        server.Given(Request.Create().WithPath(SendPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Operation-Location", "https://elsewhere.example.net/emails/operations/op-1"));

        var result = await SendAsync(accessKey: null);

        Assert.True(result.Delivered);
        Assert.Equal("ACS email accepted; Operation-Location on another host not followed", result.Detail);
        Assert.Single(server.LogEntries);
    }

    [Fact]
    public void Missing_settings_fail_at_start_naming_the_setting()
    {
        using var provider = EmailTestHost.Build([], s => s.AddAcsEmailChannel(), logs, credential);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AcsEmailOptions>>().Value);

        Assert.Contains("UserSync:Alerts:Email:Acs:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("UserSync:Alerts:Email:Acs:SenderAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_access_key_fails_at_start_naming_the_setting_but_not_the_value()
    {
        using var provider = EmailTestHost.Build(new()
        {
            ["UserSync:Alerts:Email:Acs:Endpoint"] = "https://acs.example.com",
            ["UserSync:Alerts:Email:Acs:AccessKey"] = "not base64!",
            ["UserSync:Alerts:Email:Acs:SenderAddress"] = "alerts@mail.example.com",
            ["UserSync:Alerts:Email:Acs:Recipients:0"] = EmailTestHost.Recipient,
        }, s => s.AddAcsEmailChannel(), logs, credential);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AcsEmailOptions>>().Value);

        Assert.Contains("UserSync:Alerts:Email:Acs:AccessKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64!", error.Message, StringComparison.Ordinal);
    }

    private async Task<ChannelDelivery> SendAsync(string? accessKey, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["UserSync:Alerts:Email:Acs:Endpoint"] = server.Url + "/",
            ["UserSync:Alerts:Email:Acs:AccessKey"] = accessKey,
            ["UserSync:Alerts:Email:Acs:SenderAddress"] = "alerts@mail.example.com",
            ["UserSync:Alerts:Email:Acs:Recipients:0"] = EmailTestHost.Recipient,
            ["UserSync:Alerts:Email:Acs:Recipients:1"] = EmailTestHost.SecondRecipient,
            ["UserSync:Alerts:Email:Acs:PollInterval"] = "00:00:00.010",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        using var provider = EmailTestHost.Build(settings, s => s.AddAcsEmailChannel(), logs, credential);
        var channel = Assert.Single(provider.GetServices<IAlertChannel>());
        Assert.IsType<AcsEmailChannel>(channel);
        Assert.Equal("email", channel.Name);
        return await channel.SendAsync(EmailTestHost.GhostAlert(), CancellationToken.None);
    }

    private string OperationUrl() => $"{server.Url}{OperationPath}?api-version=2023-03-31";

    private void GivenAccepted() =>
        server.Given(Request.Create().WithPath(SendPath).WithParam("api-version", "2023-03-31").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Operation-Location", OperationUrl()).WithHeader("Retry-After", "0")
                .WithHeader("Content-Type", "application/json").WithBody("""{"id":"op-1","status":"Running"}"""));

    private void GivenOperation(string status, string? then = null)
    {
        if (then is null)
        {
            server.Given(Request.Create().WithPath(OperationPath).UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"id":"op-1","status":"{{status}}"}"""));
            return;
        }

        server.Given(Request.Create().WithPath(OperationPath).UsingGet()).InScenario("op").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Retry-After", "0").WithBody($$"""{"id":"op-1","status":"{{status}}"}"""));
        server.Given(Request.Create().WithPath(OperationPath).UsingGet()).InScenario("op").WhenStateIs("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$"""{"id":"op-1","status":"{{then}}"}"""));
    }

    private static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers!.First(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();
}
