using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class AuditCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Audit_json_lists_each_repair_batch_newest_first_with_who_when_how_many_and_short_ids()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(5);
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("repair", "--apply", "--yes", "--batch-size", "3"));

        var result = await db.RunAsync("audit", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        CliAssert.NoFullEmail(result, ghosts);
        var page = result.Json();
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextBefore").ValueKind);
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([2, 3], entries.Select(e => e.GetProperty("affectedCount").GetInt32()).ToArray());
        Assert.True(entries[0].GetProperty("id").GetInt64() > entries[1].GetProperty("id").GetInt64());
        Assert.All(entries, e =>
        {
            Assert.Equal("backfill_ghost_users", e.GetProperty("action").GetString());
            Assert.Equal(db.Login, e.GetProperty("performedBy").GetString());
            Assert.Equal("cli", e.GetProperty("requestedBy").GetString());
            Assert.Equal(3, e.GetProperty("batchSize").GetInt32());
            Assert.All(e.GetProperty("affectedIds").EnumerateArray(), id => Assert.Matches("^[0-9a-f]{8}$", id.GetString()));
        });
        var ghostIds = await _cluster.GuidsAsync(db.Name, "select id from auth.users order by id");
        Assert.Equal(ghostIds.Select(Core.Alerts.PiiMasker.ShortenId).Order(StringComparer.Ordinal),
            entries.SelectMany(e => e.GetProperty("affectedIds").EnumerateArray().Select(id => id.GetString()!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Audit_pages_with_before_and_prints_the_next_command()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("repair", "--apply", "--yes", "--batch-size", "1"));

        var first = await db.RunAsync("audit", "--limit", "2");
        var newest = await db.RunAsync("audit", "--limit", "2", "--json");
        var before = newest.Json().GetProperty("nextBefore").GetInt64();
        var rest = await db.RunAsync("audit", "--limit", "2", "--before", before.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, first);
        Assert.Contains($"2 audit row(s); older: usersync audit --limit 2 --before {before}", first.Stdout, StringComparison.Ordinal);
        Assert.Single(rest.Json().GetProperty("entries").EnumerateArray());
        Assert.True(rest.Json().GetProperty("entries")[0].GetProperty("id").GetInt64() < before);
    }

    [Theory]
    [InlineData("--limit", "0")]
    [InlineData("--limit", "1001")]
    [InlineData("--before", "0")]
    [InlineData("--before", "abc")]
    public async Task Audit_rejects_bad_arguments_with_exit_64_naming_the_option(string option, string value)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("audit", option, value);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Audit_as_a_login_without_the_monitor_role_exits_3()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var outsider = await MonitoredDatabase.CreateLoginAsync(_cluster, inMonitorRole: false);

        var result = await Cli.RunAsync("audit", "--connection", _cluster.ConnectionString(db.Name, outsider));

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        Assert.Contains("user_sync_monitor", result.Stderr, StringComparison.Ordinal);
    }
}
