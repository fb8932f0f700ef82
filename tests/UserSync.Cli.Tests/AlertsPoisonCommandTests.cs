using System.Text.Json;
using Azure.Storage.Queues;
using UserSync.Cli.Queues;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>`usersync alerts poison list | requeue` against a real queue (Azurite).</summary>
public sealed class AlertsPoisonCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Alert = """{"schemaVersion":1,"alertId":"run1:ghost_users:firing","environment":"prod","check":"ghost_users","severity":"critical","status":"firing","observed":"12","expected":"0","samples":["1a2b3c4d j***@example.com"],"runId":"2f7c6c1e-8b7a-4f55-9d0e-0c1f1bb4c001","detectedAt":"2026-11-25T02:00:00+00:00","runbookUrl":"https://example.com/runbook#ghost-users","dedupKey":"usersync:prod:ghost_users"}""";

    private QueueClient Poison => new(azurite.Server.ConnectionString, AlertQueues.Poison, AlertQueues.Options);

    private QueueClient Alerts => new(azurite.Server.ConnectionString, AlertQueues.Alerts, AlertQueues.Options);

    public async Task InitializeAsync()
    {
        await Poison.DeleteIfExistsAsync();
        await Alerts.DeleteIfExistsAsync();
        await Poison.CreateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task List_shows_each_poisoned_alert_with_its_check_and_leaves_the_queue_untouched()
    {
        await Poison.SendMessageAsync(Alert);
        await Poison.SendMessageAsync("garbage that is not json");

        var result = await RunAsync("alerts", "poison", "list", "--json");

        CliAssert.ExitCode(0, result);
        var rows = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.GetProperty("alertId").GetString() == "run1:ghost_users:firing"
                                   && r.GetProperty("summary").GetString()!.Contains("critical ghost_users firing (prod)", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.GetProperty("summary").GetString()!.StartsWith("(not an alert", StringComparison.Ordinal));
        Assert.Equal(2, (await Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Requeue_all_moves_every_poisoned_message_back_to_the_alert_queue_unchanged()
    {
        await Poison.SendMessageAsync(Alert);
        await Poison.SendMessageAsync(Alert.Replace("run1", "run2", StringComparison.Ordinal));

        var result = await RunAsync("alerts", "poison", "requeue", "--all");

        CliAssert.ExitCode(0, result);
        Assert.Contains("2 message(s) moved back", result.Stdout, StringComparison.Ordinal);
        Assert.Empty((await Poison.PeekMessagesAsync(32)).Value);
        var bodies = (await Alerts.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Order().ToList();
        Assert.Equal([Alert, Alert.Replace("run1", "run2", StringComparison.Ordinal)], bodies);
    }

    [Fact]
    public async Task Requeue_by_id_moves_only_that_message()
    {
        var kept = (await Poison.SendMessageAsync(Alert)).Value;
        var moved = (await Poison.SendMessageAsync(Alert.Replace("run1", "run3", StringComparison.Ordinal))).Value;

        var result = await RunAsync("alerts", "poison", "requeue", "--id", moved.MessageId);

        CliAssert.ExitCode(0, result);
        var left = Assert.Single((await Poison.PeekMessagesAsync(32)).Value);
        Assert.Equal(kept.MessageId, left.MessageId);
        Assert.Contains("run3", Assert.Single((await Alerts.PeekMessagesAsync(32)).Value).Body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requeue_needs_exactly_one_of_id_or_all_and_an_unknown_id_is_an_error()
    {
        await Poison.SendMessageAsync(Alert);

        CliAssert.ExitCode(64, await RunAsync("alerts", "poison", "requeue"));
        CliAssert.ExitCode(64, await RunAsync("alerts", "poison", "requeue", "--all", "--id", "x"));
        CliAssert.ExitCode(64, await RunAsync("alerts", "poison", "requeue", "--id", "no-such-message"));
        Assert.Single((await Poison.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Without_storage_settings_the_command_names_the_setting()
    {
        var result = await Cli.RunAsync("alerts", "poison", "list");

        CliAssert.ExitCode(64, result);
        Assert.Contains("AzureWebJobsStorage", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CliResult> RunAsync(params string[] args) =>
        Cli.RunAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.Server.ConnectionString }, args);
}
