using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using UserSync.Cli.Emulation;
using UserSync.Core.Alerts;
using UserSync.Functions;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>
/// `usersync emulate` plays the Functions host against the real handler (in process, on a loopback
/// port) with a real queue (Azurite): timer outputs are enqueued base64 as the host does, and queue
/// messages reach the dispatcher double-encoded, with retries and the poison queue.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class EmulateCommandTests(PostgresClusterFixture fixture, AzuriteFixture azurite) : IAsyncLifetime, IClassFixture<AzuriteFixture>
{
    private readonly RecordingDelivery _delivery = new();
    private WebApplication? _handler;
    private MonitoredDatabase? _database;
    private string _handlerUrl = "";

    private AzuriteServer Azurite => azurite.Server;

    private MonitoredDatabase Database => _database!;

    public async Task InitializeAsync()
    {
        _database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        var port = AzuriteServer.FreePort();
        _handlerUrl = $"http://127.0.0.1:{port}/";
        _handler = HandlerApp.Build([], builder =>
        {
            builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["UserSync:ConnectionString"] = _database.ConnectionString;
            builder.Configuration["UserSync:Environment"] = "test";
            builder.Services.AddSingleton<IAlertDelivery>(_delivery);
        });
        await _handler.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_handler is not null)
        {
            await _handler.StopAsync();
            await _handler.DisposeAsync();
        }

        // Each test starts from empty queues; the server is shared by the class.
        var service = new QueueServiceClient(Azurite.ConnectionString);
        await service.GetQueueClient(FunctionsHostEmulator.AlertsQueue).DeleteIfExistsAsync();
        await service.GetQueueClient(FunctionsHostEmulator.PoisonQueue).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task Daily_check_enqueues_each_alert_output_as_one_base64_json_message()
    {
        await Database.AddGhostsAsync(3);

        var result = await EmulateAsync("daily-check");

        CliAssert.ExitCode(0, result);
        Assert.Contains("2 message(s) enqueued", result.Stdout, StringComparison.Ordinal);
        var queue = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.AlertsQueue, FunctionsHostEmulator.QueueOptions);
        var messages = (await queue.PeekMessagesAsync(10)).Value;
        var checks = messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("check").GetString()).Order().ToList();
        Assert.Equal(["count_parity", "ghost_users"], checks);
        var raw = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.AlertsQueue);
        var rawText = (await raw.PeekMessageAsync()).Value.Body.ToString();
        Assert.DoesNotContain("{", rawText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_hands_every_queued_alert_to_the_delivery_decoded_and_empties_the_queue()
    {
        await Database.AddGhostsAsync(2);
        CliAssert.ExitCode(0, await EmulateAsync("daily-check"));

        var result = await EmulateAsync("dispatch");

        CliAssert.ExitCode(0, result);
        Assert.Contains("2 delivered, 0 failed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["count_parity", "ghost_users"], _delivery.Received.Select(r => r.Alert.Check).Order().ToList());
        Assert.All(_delivery.Received, r => Assert.Equal(1, r.DequeueCount));
        var queue = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.AlertsQueue);
        Assert.Empty((await queue.PeekMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task A_message_whose_delivery_keeps_failing_ends_in_the_poison_queue_after_max_dequeue_count_tries()
    {
        await Database.AddGhostsAsync(1);
        _delivery.Fail = true;
        var queue = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.AlertsQueue, FunctionsHostEmulator.QueueOptions);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("""{"schemaVersion":1,"alertId":"r:ghost_users:firing","environment":"test","check":"ghost_users","severity":"critical","status":"firing","observed":"1","expected":"0","samples":[],"runId":"2f7c6c1e-8b7a-4f55-9d0e-0c1f1bb4c001","detectedAt":"2026-11-25T02:00:00+00:00","runbookUrl":"https://example.com/runbook#ghost-users","dedupKey":"usersync:test:ghost_users"}""");

        var result = await EmulateAsync("dispatch", "--max-dequeue-count", "3");

        CliAssert.ExitCode(1, result);
        Assert.Contains("1 moved to user-sync-alerts-poison", result.Stdout, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], _delivery.Received.Select(r => r.DequeueCount).ToList());
        var poison = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.PoisonQueue, FunctionsHostEmulator.QueueOptions);
        var poisoned = Assert.Single((await poison.PeekMessagesAsync(10)).Value);
        Assert.Contains("r:ghost_users:firing", poisoned.Body.ToString(), StringComparison.Ordinal);
        Assert.Empty((await queue.PeekMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task A_garbled_message_is_retried_then_poisoned_without_reaching_the_delivery()
    {
        var queue = new QueueClient(Azurite.ConnectionString, FunctionsHostEmulator.AlertsQueue, FunctionsHostEmulator.QueueOptions);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("this is not json");

        var result = await EmulateAsync("dispatch", "--max-dequeue-count", "2");

        CliAssert.ExitCode(1, result);
        Assert.Contains("0 delivered, 2 failed", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(_delivery.Received);
    }

    [Fact]
    public async Task An_unreachable_queue_is_one_line_and_exit_code_3()
    {
        var result = await Cli.RunAsync(["emulate", "dispatch", "--handler", _handlerUrl, "--storage",
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:{AzuriteServer.FreePort()}/devstoreaccount1"]);

        CliAssert.ExitCode(3, result);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CliResult> EmulateAsync(string verb, params string[] extra) =>
        Cli.RunAsync(["emulate", verb, "--handler", _handlerUrl, "--storage", Azurite.ConnectionString, .. extra]);

    private sealed class RecordingDelivery : IAlertDelivery
    {
        public ConcurrentQueue<(AlertMessage Alert, int DequeueCount)> Received { get; } = new();

        public bool Fail { get; set; }

        public Task<AlertDeliveryResult> DeliverAsync(AlertMessage alert, int dequeueCount, CancellationToken cancellationToken)
        {
            Received.Enqueue((alert, dequeueCount));
            return Task.FromResult(new AlertDeliveryResult(!Fail, Fail ? "test channel down" : "recorded"));
        }
    }
}
