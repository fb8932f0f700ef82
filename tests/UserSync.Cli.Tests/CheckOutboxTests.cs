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

    [Fact]
    public async Task Check_on_a_critical_database_with_an_outbox_it_cannot_write_exits_2_and_says_so_on_stderr()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.AddGhostsAsync(2);
        // A path below a regular file can never be a folder, whoever runs the test (root ignores modes).
        var file = Path.GetTempFileName();
        try
        {
            var result = await database.RunAsync("check", "--outbox", Path.Combine(file, "outbox"));

            CliAssert.ExitCode(ExitCodes.Critical, result);
            Assert.Contains("could not be written", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("2 of 2 alert message(s)", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("exit code is the check's", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("written to", result.Stdout, StringComparison.Ordinal);
            Assert.Equal(1L, await database.CountAsync("user_sync.monitoring_log"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
