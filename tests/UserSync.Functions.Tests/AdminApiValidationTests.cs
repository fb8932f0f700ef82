using UserSync.Core.Checks;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>Rejected parameters: 400 problem+json naming the field, and nothing recorded or changed.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AdminApiValidationTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    // GhostCursor.Encode(7d3e2f10-4c5b-4a69-9f87-1e2d3c4b5a69): 22 characters, 16 bytes, the last
    // character's 4 spare bits zero. The forgery sets two of those bits: it still decodes to 16
    // bytes, but no id encodes to it.
    private const string ValidCursor = "fT4vEExbSmmfhx4tPEtaaQ";
    private const string ForgedCursor = "fT4vEExbSmmfhx4tPEtaaT";

    public static TheoryData<string, string> BadQueries => new()
    {
        { "/api/user-sync/history?days=abc", "days" },
        { "/api/user-sync/history?days=-1", "days" },
        { "/api/user-sync/history?days=0", "days" },
        { "/api/user-sync/history?days=100000", "days" },
        { "/api/user-sync/history?days=366", "days" },
        { "/api/user-sync/history?days=", "days" },
        { "/api/user-sync/history?days=7&days=8", "days" },
        { "/api/user-sync/history?days=99999999999999999999", "days" },
        { "/api/user-sync/ghosts?limit=0", "limit" },
        { "/api/user-sync/ghosts?limit=1000000", "limit" },
        { "/api/user-sync/ghosts?limit=abc", "limit" },
        { "/api/user-sync/ghosts?limit=1001", "limit" },
        { "/api/user-sync/ghosts?after=garbage", "after" },
        { "/api/user-sync/ghosts?after=", "after" },
        { "/api/user-sync/ghosts?after=CzBVep_E6Q4zWH2i", "after" }, // base64url of 12 bytes
        { "/api/user-sync/ghosts?after=CzBVep_E6Q4zWH2ix-wRNls", "after" }, // 17 bytes
        { "/api/user-sync/ghosts?after=CzBVep_E6Q4zWH2ix-wRNluApco", "after" }, // 20 bytes
        { $"/api/user-sync/ghosts?after={ForgedCursor}", "after" },
        { $"/api/user-sync/ghosts?after={ValidCursor}%3D%3D", "after" }, // padded
        { "/api/user-sync/ghosts?after=fT4vEExbSmmfhx4t!EtaaQ", "after" }, // not base64
    };

    public static TheoryData<string, string> BadRepairBodies => new()
    {
        { """{"apply":"yes"}""", "apply" },
        { """{"apply":1}""", "apply" },
        { """{"apply":null}""", "apply" },
        { """{"batchSize":0}""", "batchSize" },
        { """{"batchSize":100001}""", "batchSize" },
        { """{"batchSize":"x"}""", "batchSize" },
        { """{"batchSize":"7"}""", "batchSize" },
        { """{"batchSize":7.5}""", "batchSize" },
        { """{"batchSize":null}""", "batchSize" },
        { """{"batchSize":true}""", "batchSize" },
        { """{"batchSize":[7]}""", "batchSize" },
        { """{"batchSize":{}}""", "batchSize" },
        { """{"batchSize":1e3}""", "batchSize" },
        { """{"apply":true,"batchSize":-3}""", "batchSize" },
        { """{"nope":1}""", "nope" },
        { """{"apply":true,"Apply":false}""", "Apply" },
        { "[]", "body" },
        { "\"apply\"", "body" },
        { "not json", "body" },
        { """{"apply":true""", "body" },
    };

    [Fact]
    public void The_forged_cursor_decodes_to_16_bytes_but_is_not_what_any_id_encodes_to()
    {
        var bytes = Convert.FromBase64String(ForgedCursor.Replace('-', '+').Replace('_', '/') + "==");

        Assert.Equal(16, bytes.Length);
        Assert.Equal(ValidCursor, GhostCursor.Encode(new Guid(bytes, bigEndian: true)));
        Assert.True(GhostCursor.TryDecode(ValidCursor, out var id));
        Assert.Equal(Guid.Parse("7d3e2f10-4c5b-4a69-9f87-1e2d3c4b5a69"), id);
        Assert.False(GhostCursor.TryDecode(ForgedCursor, out _));
    }

    [Fact]
    public async Task A_well_formed_cursor_is_accepted_so_the_forged_one_fails_only_for_its_spare_bits()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri($"/api/user-sync/ghosts?after={ValidCursor}", UriKind.Relative));

        var page = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(0, page.GetProperty("ghosts").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_query_parameter_is_a_400_problem_naming_the_field_and_records_nothing(string uri, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        var before = await db.WritesAsync();

        using var response = await handler.Client.GetAsync(new Uri(uri, UriKind.Relative));

        await HandlerAssert.ValidationProblemAsync(field, response);
        Assert.Equal(before, await db.WritesAsync());
    }

    [Theory]
    [MemberData(nameof(BadRepairBodies))]
    public async Task Bad_repair_body_is_a_400_problem_naming_the_field_and_repairs_nothing(string body, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await db.AddGhostsAsync(3);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        var before = await db.WritesAsync();

        using var response = await handler.PostJsonAsync("/api/user-sync/repair", body);

        await HandlerAssert.ValidationProblemAsync(field, response);
        Assert.Equal(before, await db.WritesAsync());
        Assert.Equal((0L, 0L, 1L), before);
        Assert.Equal(3L, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
    }
}
