using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class CheckOutboxTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task Check_with_an_outbox_renders_each_alert_and_writes_it_as_text_and_json()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        var emails = await database.AddGhostsAsync(2);
        var outbox = Directory.CreateTempSubdirectory("usersync-outbox-").FullName;
        try
        {
            var result = await database.RunAsync("check", "--outbox", outbox);

            CliAssert.ExitCode(2, result);
            Assert.Contains("2 alert message(s) written to", result.Stdout, StringComparison.Ordinal);
            var json = Directory.GetFiles(outbox, "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
            Assert.Equal(["count_parity", "ghost_users"], json.Select(j => j.GetProperty("check").GetString()).Order().ToList());
            Assert.Equal(2, Directory.GetFiles(outbox).Length - json.Count);
            var everything = result.Stdout + string.Concat(Directory.GetFiles(outbox).Select(File.ReadAllText));
            Assert.DoesNotContain(emails[0], everything, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }
}
