using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;

namespace UserSync.Alerts.Tests.Http;

/// <summary>WireMock helpers: answer a path with a sequence of responses; wait for requests with a deadline.</summary>
public static class LoopbackServer
{
    /// <summary>The first POST gets the first response, the second the second, …; the last one repeats.</summary>
    public static void GivenSequence(this WireMockServer server, string path, params IResponseBuilder[] responses)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(responses);
        if (responses.Length == 1)
        {
            // WireMock answers 500 for a scenario's start mapping that sets no next state.
            server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(responses[0]);
            return;
        }

        for (var i = 0; i < responses.Length; i++)
        {
            var mapping = server.Given(Request.Create().WithPath(path).UsingPost()).InScenario(path);
            if (i > 0)
            {
                mapping = mapping.WhenStateIs($"step{i}");
            }

            if (i < responses.Length - 1)
            {
                mapping = mapping.WillSetStateTo($"step{i + 1}");
            }

            mapping.RespondWith(responses[i]);
        }
    }

    /// <summary>Delayed responses are logged when they finish, after the client gave up; wait for them.</summary>
    public static async Task WaitForRequestsAsync(this WireMockServer server, int count)
    {
        ArgumentNullException.ThrowIfNull(server);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.LogEntries.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
