using Azure.Storage.Queues;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// AlertDispatcher fed from the real queue (Azurite) as the queue extension feeds it: the body
/// and the trigger metadata (Id, DequeueCount...) reach the function; what can never be an alert
/// goes to the poison queue at once, without a crash loop.
/// </summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed class QueueTriggerTests(SharedWorker app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetPeersAndQueuesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_garbled_message_on_its_first_try_is_logged_with_its_id_and_try_1_and_poisoned_once()
    {
        var sent = (await app.Alerts.SendMessageAsync("{not json at all")).Value;

        var report = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        var invocation = Assert.Single(report.Invocations);
        Assert.True(invocation.Succeeded, invocation.Error);
        Assert.Contains(invocation.Logs, l => l.Message.Contains(sent.MessageId, StringComparison.Ordinal) && l.Message.Contains("try 1", StringComparison.Ordinal));
        Assert.Equal(["{not json at all"], await BodiesAsync(app.Poison));
        Assert.Empty(await BodiesAsync(app.Alerts));
    }

    [Fact]
    public async Task A_message_dequeued_four_times_before_reaches_the_function_with_DequeueCount_5()
    {
        await app.Alerts.SendMessageAsync("garbled on its fifth try");
        for (var i = 0; i < 4; i++)
        {
            // Another host took it and gave it back: Azurite counts each receive.
            var taken = (await app.Alerts.ReceiveMessageAsync()).Value;
            await app.Alerts.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        var report = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        var invocation = Assert.Single(report.Invocations);
        Assert.Contains(invocation.Logs, l => l.Message.Contains("try 5", StringComparison.Ordinal));
        Assert.Equal(["garbled on its fifth try"], await BodiesAsync(app.Poison));
    }

    [Fact]
    public async Task An_empty_message_is_poisoned_not_retried()
    {
        await app.Alerts.SendMessageAsync("");

        var report = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        var invocation = Assert.Single(report.Invocations);
        Assert.True(invocation.Succeeded, invocation.Error);
        Assert.Contains(invocation.Logs, l => l.Message.Contains("poison", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, report.Failed);
        Assert.Equal(1, (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty(await BodiesAsync(app.Alerts));
    }

    [Fact]
    public async Task A_message_that_is_not_base64_never_reaches_the_worker_and_goes_to_the_poison_queue_as_it_was()
    {
        var raw = new QueueClient(app.Azurite.ConnectionString, FunctionAppFixture.AlertsQueue);
        await raw.SendMessageAsync("this is not base64!");

        var report = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        Assert.Empty(report.Invocations);
        Assert.Equal(1, report.Poisoned);
        var poisoned = (await new QueueClient(app.Azurite.ConnectionString, FunctionAppFixture.PoisonQueue).ReceiveMessageAsync()).Value;
        Assert.Equal("this is not base64!", poisoned.Body.ToString());
    }

    [Fact]
    public async Task A_message_already_dequeued_more_than_maxDequeueCount_times_is_poisoned_unseen()
    {
        var maxDequeueCount = app.Host.App.Host.Queues.MaxDequeueCount;
        await app.Alerts.SendMessageAsync("too old");
        for (var i = 0; i < maxDequeueCount; i++)
        {
            var taken = (await app.Alerts.ReceiveMessageAsync()).Value;
            await app.Alerts.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        var report = await app.Host.Queues.DispatchAsync("AlertDispatcher", 20, CancellationToken.None);

        Assert.Empty(report.Invocations);
        Assert.Equal(["too old"], await BodiesAsync(app.Poison));
    }

    [Fact]
    public void MaxDequeueCount_is_read_from_the_apps_host_json()
    {
        using var hostJson = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionAppBuild.Directory, "host.json")));
        var expected = hostJson.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32();

        Assert.Equal(expected, app.Host.App.Host.Queues.MaxDequeueCount);
        Assert.True(app.Host.App.Host.Queues.Base64);
    }

    internal static async Task<List<string>> BodiesAsync(QueueClient queue) =>
        (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
}
