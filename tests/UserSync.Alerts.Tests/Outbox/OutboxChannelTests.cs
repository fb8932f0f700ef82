using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Alerts.Channels;
using UserSync.Alerts.Tests.Http;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Tests.Outbox;

public sealed class OutboxChannelTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "usersync-outbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Writes_the_rendered_alert_and_its_json_under_a_safe_file_name()
    {
        var alert = SampleAlerts.GhostUsers();

        var result = await SendAsync(alert, _directory);

        Assert.True(result.Delivered);
        var name = $"{SampleAlerts.RunId:N}_ghost_users_firing";
        Assert.Equal([name + ".json", name + ".txt"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
        var text = await File.ReadAllTextAsync(Path.Combine(_directory, name + ".txt"));
        Assert.StartsWith("[CRITICAL] user sync ghost_users (prod)", text, StringComparison.Ordinal);
        Assert.Contains("observed:  12", text, StringComparison.Ordinal);
        Assert.Contains("https://example.com/docs/runbook.md#ghost-users", text, StringComparison.Ordinal);
        var json = AlertJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(_directory, name + ".json")));
        Assert.Equal(alert.AlertId, json.AlertId);
        Assert.Equal(alert.Samples, json.Samples);
    }

    [Fact]
    public void Renders_a_resolved_alert_as_resolved() =>
        Assert.StartsWith("[RESOLVED] user sync ghost_users (prod), was CRITICAL",
            OutboxChannel.Render(SampleAlerts.GhostUsers(AlertStatus.Resolved)), StringComparison.Ordinal);

    [Theory]
    [InlineData("abc:ghost_users:firing", "abc_ghost_users_firing")]
    [InlineData("../../etc/passwd", "_._.._etc_passwd")]
    [InlineData(".hidden", "_hidden")]
    public void Makes_the_alert_id_a_safe_file_name(string alertId, string expected) =>
        Assert.Equal(expected, OutboxChannel.FileNameFor(alertId));

    [Fact]
    public async Task Fails_when_the_folder_cannot_be_written()
    {
        var file = Path.Combine(Path.GetTempPath(), "usersync-outbox-file-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "not a folder");
        try
        {
            var result = await SendAsync(SampleAlerts.GhostUsers(), file);

            Assert.False(result.Delivered);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Startup_validation_names_the_missing_folder_setting()
    {
        using var provider = ChannelTestHost.Build(s => s.AddOutboxChannel(), new Dictionary<string, string?>());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("UserSync:Alerts:Outbox:Directory", error.Message, StringComparison.Ordinal);
    }

    private static async Task<ChannelDelivery> SendAsync(AlertMessage alert, string directory)
    {
        using var provider = ChannelTestHost.Build(s => s.AddOutboxChannel(),
            new Dictionary<string, string?> { ["UserSync:Alerts:Outbox:Directory"] = directory });
        var channel = provider.GetServices<IAlertChannel>().Single(c => c.Name == "outbox");
        return await channel.SendAsync(alert, CancellationToken.None);
    }
}
