using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly.Timeout;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace UserSync.Alerts.Tests.Http;

public sealed class ChannelHttpTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Retries_a_429_after_its_Retry_After_delay()
    {
        _server.GivenSequence("/send",
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"),
            Response.Create().WithStatusCode(200));

        using var response = await PostAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var times = _server.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {times[1] - times[0]}");
    }

    [Fact]
    public async Task Retries_a_503_until_the_server_answers()
    {
        _server.GivenSequence("/send", Response.Create().WithStatusCode(503), Response.Create().WithStatusCode(200));

        using var response = await PostAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.LogEntries.Count);
    }

    [Fact]
    public async Task Gives_up_on_a_503_after_the_configured_retries()
    {
        _server.GivenSequence("/send", Response.Create().WithStatusCode(503));

        using var response = await PostAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, _server.LogEntries.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Does_not_retry_a_permanent_error(int status)
    {
        _server.GivenSequence("/send", Response.Create().WithStatusCode(status));

        using var response = await PostAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task Retries_an_attempt_that_times_out_then_gives_up()
    {
        _server.GivenSequence("/send", Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => PostAsync(("UserSync:Alerts:Http:AttemptTimeout", "00:00:00.200")));

        await _server.WaitForRequestsAsync(3);
        Assert.Equal(3, _server.LogEntries.Count);
    }

    [Fact]
    public async Task Sends_once_when_retries_are_off()
    {
        _server.GivenSequence("/send", Response.Create().WithStatusCode(503));

        using var response = await PostAsync(("UserSync:Alerts:Http:MaxRetries", "0"));

        Assert.Single(_server.LogEntries);
    }

    private async Task<HttpResponseMessage> PostAsync(params (string Key, string Value)[] settings)
    {
        using var provider = ChannelTestHost.Build(s => s.AddChannelHttpClient("test"), settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("test");
        using var content = new StringContent("{}");
        return await client.PostAsync(new Uri($"{_server.Url}/send"), content);
    }
}
