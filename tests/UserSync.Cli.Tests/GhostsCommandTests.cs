using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class GhostsCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Ghosts_table_masks_emails_and_ids_by_default()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(3);

        var result = await db.RunAsync("ghosts");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        CliAssert.NoFullEmail(result, [.. members, .. ghosts]);
        Assert.Equal(3, result.Stdout.Split("g***@example.com").Length - 1);
        Assert.Contains("3 ghost user(s); end of list.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ghosts_json_is_masked_by_default_and_has_ghosts_next_cursor_and_masked()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(3);

        var result = await db.RunAsync("ghosts", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        CliAssert.NoFullEmail(result, ghosts);
        var page = result.Json();
        Assert.True(page.GetProperty("masked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var rows = page.GetProperty("ghosts").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Matches("^[0-9a-f]{8}$", row.GetProperty("userId").GetString());
            Assert.Matches(@"^.\*\*\*@example\.com$", row.GetProperty("email").GetString());
            Assert.Equal(JsonValueKind.String, row.GetProperty("createdAt").ValueKind);
        });
    }

    [Fact]
    public async Task Ghosts_unmask_shows_full_emails_and_ids()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(3);

        var result = await db.RunAsync("ghosts", "--unmask", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        var page = result.Json();
        Assert.False(page.GetProperty("masked").GetBoolean());
        var rows = page.GetProperty("ghosts").EnumerateArray().ToList();
        Assert.Equal(ghosts.Order(StringComparer.Ordinal), rows.Select(r => r.GetProperty("email").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(await db.GhostIdsAsync(), rows.Select(r => Guid.Parse(r.GetProperty("userId").GetString()!)).ToList());
    }

    [Fact]
    public async Task Ghosts_unmask_table_shows_full_emails()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(2, prefix: "g");

        var result = await db.RunAsync("ghosts", "--unmask");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.All(ghosts, email => Assert.Contains(email, result.Stdout, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Following_next_cursor_visits_every_ghost_exactly_once_and_the_last_page_has_none()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(5);
        await db.AddGhostsAsync(25);
        var visited = new List<Guid>();
        var pageSizes = new List<int>();
        string? cursor = null;

        do
        {
            var result = cursor is null
                ? await db.RunAsync("ghosts", "--limit", "10", "--unmask", "--json")
                : await db.RunAsync("ghosts", "--limit", "10", "--after", cursor, "--unmask", "--json");
            CliAssert.ExitCode(ExitCodes.Healthy, result);
            var page = result.Json();
            var ids = page.GetProperty("ghosts").EnumerateArray().Select(r => Guid.Parse(r.GetProperty("userId").GetString()!)).ToList();
            visited.AddRange(ids);
            pageSizes.Add(ids.Count);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pageSizes.Count < 10);

        Assert.Null(cursor);
        Assert.Equal([10, 10, 5], pageSizes);
        Assert.Equal(await db.GhostIdsAsync(), visited);
    }

    [Fact]
    public async Task Ghosts_rejects_a_cursor_it_did_not_print_with_exit_64()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("ghosts", "--after", "garbage");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--after", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task Ghosts_rejects_a_limit_outside_1_to_1000_with_exit_64(string limit)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("ghosts", "--limit", limit);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--limit", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
