using System.Text.RegularExpressions;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.FunctionsHost.Triggers;
using UserSync.FunctionsHost.Worker;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// What the worker says about a request carrying a key, a daily check that finds ghosts (emails)
/// and deliveries to channels whose URLs and keys are secrets: everything it logged over gRPC and
/// printed on stdout/stderr, read as the host receives it.
/// </summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed partial class WorkerLogTests(SharedWorker app) : IAsyncLifetime
{
    private const string FunctionKey = "function-key-that-must-not-be-logged";

    public Task InitializeAsync() => app.ResetPeersAndQueuesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task No_key_request_url_channel_secret_or_unmasked_email_reaches_the_workers_logs()
    {
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/user-sync/ghosts?limit=3&code={FunctionKey}"))
        {
            request.Headers.Add("x-functions-key", FunctionKey);
            using var response = await app.Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode);
        }

        var check = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        Assert.True(check.Succeeded, check.Error);
        Assert.NotEmpty(check.Enqueued);
        var dispatch = await app.Host.Queues.DispatchAsync("AlertDispatcher", 50, CancellationToken.None);
        Assert.True(dispatch.Succeeded > 0);
        Assert.NotEmpty(app.Slack.Requests);

        var entries = app.Host.Log.Entries;
        Assert.Contains(entries, e => e.Source == WorkerLogSource.Rpc);
        var secrets = new[] { FunctionKey, FunctionAppFixture.SendGridKey, FunctionAppFixture.RoutingKey, FunctionAppFixture.SlackSecretPath, app.Slack.BaseUrl, app.PagerDuty.BaseUrl, app.Email.BaseUrl };
        foreach (var entry in entries)
        {
            var text = entry.ToString();
            Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
            Assert.False(UnmaskedEmail().IsMatch(text), $"unmasked email in: {text}");
            Assert.DoesNotContain("/api/user-sync/ghosts?", text, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Front.BaseAddress.Authority, text, StringComparison.Ordinal);
        }
    }

    // A whole local part before @example.com; masked samples read "p***@example.com".
    [GeneratedRegex(@"[A-Za-z0-9._%+-]{2,}@example\.com")]
    private static partial Regex UnmaskedEmail();
}
