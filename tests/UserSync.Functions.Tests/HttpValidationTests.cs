using System.Text;
using Microsoft.AspNetCore.Http;
using UserSync.Core.Checks;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>Rejected parameters and bodies: 400 problem+json naming the field, and nothing recorded or changed.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class HttpValidationTests(PostgresClusterFixture fixture)
{
    // GhostCursor.Encode(7d3e2f10-4c5b-4a69-9f87-1e2d3c4b5a69): 22 characters, 16 bytes, the last
    // character's 4 spare bits zero. The forgery sets two of those bits: it still decodes to 16
    // bytes, but no id encodes to it.
    private const string ValidCursor = "fT4vEExbSmmfhx4tPEtaaQ";
    private const string ForgedCursor = "fT4vEExbSmmfhx4tPEtaaT";

    private readonly PostgresCluster _cluster = fixture.Cluster;

    public static TheoryData<string, string> BadQueries => new()
    {
        { "/api/user-sync/history?days=abc", "days" },
        { "/api/user-sync/history?days=-1", "days" },
        { "/api/user-sync/history?days=0", "days" },
        { "/api/user-sync/history?days=366", "days" },
        { "/api/user-sync/history?days=", "days" },
        { "/api/user-sync/history?days=7&days=8", "days" },
        { "/api/user-sync/history?days=99999999999999999999", "days" },
        { "/api/user-sync/ghosts?limit=0", "limit" },
        { "/api/user-sync/ghosts?limit=1001", "limit" },
        { "/api/user-sync/ghosts?limit=abc", "limit" },
        { "/api/user-sync/ghosts?after=garbage", "after" },
        { "/api/user-sync/ghosts?after=", "after" },
        { "/api/user-sync/ghosts?after=CzBVep_E6Q4zWH2i", "after" }, // base64url of 12 bytes
        { "/api/user-sync/ghosts?after=CzBVep_E6Q4zWH2ix-wRNls", "after" }, // 17 bytes
        { $"/api/user-sync/ghosts?after={ForgedCursor}", "after" },
        { $"/api/user-sync/ghosts?after={ValidCursor}%3D%3D", "after" }, // padded
        { $"/api/user-sync/ghosts?after={ValidCursor}&after={ValidCursor}", "after" },
        { "/api/user-sync/ghosts?after=fT4vEExbSmmfhx4t!EtaaQ", "after" }, // not base64
        { "/api/user-sync/audit?limit=0", "limit" },
        { "/api/user-sync/audit?limit=1001", "limit" },
        { "/api/user-sync/audit?limit=ten", "limit" },
        { "/api/user-sync/audit?before=0", "before" },
        { "/api/user-sync/audit?before=-4", "before" },
        { "/api/user-sync/audit?before=abc", "before" },
        { "/api/user-sync/audit?before=", "before" },
        { "/api/user-sync/audit?before=1.5", "before" },
        { "/api/user-sync/audit?before=99999999999999999999", "before" },
        { "/api/user-sync/audit?before=3&before=4", "before" },
    };

    public static TheoryData<string, byte[], string> BadRepairBodies => new()
    {
        { "apply as a string", Utf8("""{"apply":"yes"}"""), "apply" },
        { "apply as a number", Utf8("""{"apply":1}"""), "apply" },
        { "apply null", Utf8("""{"apply":null}"""), "apply" },
        { "batchSize 0", Utf8("""{"batchSize":0}"""), "batchSize" },
        { "batchSize too large", Utf8("""{"batchSize":100001}"""), "batchSize" },
        { "batchSize as a string", Utf8("""{"batchSize":"7"}"""), "batchSize" },
        { "batchSize fractional", Utf8("""{"batchSize":7.5}"""), "batchSize" },
        { "batchSize null", Utf8("""{"batchSize":null}"""), "batchSize" },
        { "batchSize true", Utf8("""{"batchSize":true}"""), "batchSize" },
        { "batchSize an array", Utf8("""{"batchSize":[7]}"""), "batchSize" },
        { "batchSize an object", Utf8("""{"batchSize":{}}"""), "batchSize" },
        { "batchSize in exponent form", Utf8("""{"batchSize":1e3}"""), "batchSize" },
        { "batchSize negative", Utf8("""{"apply":true,"batchSize":-3}"""), "batchSize" },
        { "an unknown field", Utf8("""{"nope":1}"""), "nope" },
        { "a field in the wrong case", Utf8("""{"apply":true,"Apply":false}"""), "Apply" },
        { "a field twice", Utf8("""{"apply":false,"apply":true}"""), "apply" },
        { "an array", Utf8("[]"), "body" },
        { "a string", Utf8("\"apply\""), "body" },
        { "null", Utf8("null"), "body" },
        { "not JSON", Utf8("not json"), "body" },
        { "truncated JSON", Utf8("""{"apply":true"""), "body" },
        { "a lone UTF-16 surrogate in a name", Utf8("""{"\ud800":1}"""), "body" },
        { "a lone UTF-16 surrogate in a value", Utf8("""{"apply":"\udfff"}"""), "apply" },
        { "bytes that are not UTF-8 in a name", [.. Utf8("{\""), 0xC3, 0x28, .. Utf8("\":1}")], "body" },
        { "bytes that are not UTF-8 in a value", [.. Utf8("{\"apply\":\""), 0xFF, 0xFE, .. Utf8("\"}")], "apply" },
    };

    [Fact]
    public void The_forged_cursor_decodes_to_16_bytes_but_is_not_what_any_id_encodes_to()
    {
        var bytes = Convert.FromBase64String(ForgedCursor.Replace('-', '+').Replace('_', '/') + "==");

        Assert.Equal(16, bytes.Length);
        Assert.Equal(ValidCursor, GhostCursor.Encode(new Guid(bytes, bigEndian: true)));
        Assert.False(GhostCursor.TryDecode(ForgedCursor, out _));
    }

    [Fact]
    public async Task A_well_formed_cursor_is_accepted_so_the_forged_one_fails_only_for_its_spare_bits()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await app.ExecuteAsync(await app.Function<StatusFunctions>().GetGhostsAsync(
            app.Request("GET", $"/api/user-sync/ghosts?after={ValidCursor}"), default));

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(0, answer.Json.GetProperty("ghosts").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_parameter_is_a_400_problem_naming_the_field_and_records_nothing(string uri, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);
        var before = await db.WritesAsync();
        var functions = app.Function<StatusFunctions>();
        var request = app.Request("GET", uri);

        IResult result = uri.Split('?')[0] switch
        {
            "/api/user-sync/history" => await functions.GetHistoryAsync(request, default),
            "/api/user-sync/audit" => await functions.GetAuditAsync(request, default),
            _ => await functions.GetGhostsAsync(request, default),
        };

        AssertValidationProblem(field, await app.ExecuteAsync(result));
        Assert.Equal(before, await db.WritesAsync());
    }

    [Theory]
    [MemberData(nameof(BadRepairBodies))]
    public async Task A_bad_repair_body_is_a_400_problem_naming_the_field_and_repairs_nothing(string kind, byte[] body, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(
            app.Request("POST", "/api/user-sync/repair", body), default));

        AssertValidationProblem(field, answer, kind);
        Assert.Equal((0L, 0L, 1L), await db.WritesAsync());
        Assert.Equal(3L, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
    }

    private static void AssertValidationProblem(string field, HttpAnswer answer, string? kind = null)
    {
        Assert.True(answer.StatusCode == 400, $"{kind}: {answer.StatusCode} {answer.Body}");
        Assert.Equal("application/problem+json", answer.MediaType);
        var problem = answer.Json;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains(field, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
