using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserSync.Alerts;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>The app holds one NpgsqlDataSource: the store and the alert ledger draw from one pool.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class DataSourceTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task The_store_and_the_ledger_reuse_one_pooled_connection_with_the_statement_timeout()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await using var app = TestApp.Create(db.ConnectionString, new Dictionary<string, string?> { ["UserSync:StatementTimeoutSeconds"] = "42" });
        var store = app.Services.GetRequiredService<IUserSyncStore>();
        var ledger = app.Services.GetRequiredService<AlertDeliveryLedger>();

        await store.GetStatsAsync(CancellationToken.None);
        await ledger.ClaimAsync("a1:ghost_users:firing", "default", "slack", CancellationToken.None);
        await store.GetStatsAsync(CancellationToken.None);
        await using var connection = await app.Services.GetRequiredService<MonitorConnections>().OpenAsync(CancellationToken.None);
        await using var timeout = new NpgsqlCommand("show statement_timeout", connection);

        Assert.Equal("42s", await timeout.ExecuteScalarAsync());
        // Two pools would hold two sessions for the login: one holds one, used by both in turn.
        Assert.Equal(1L, await db.ScalarAsync<long>($"select count(*) from pg_stat_activity where usename = '{db.Login}'"));
        Assert.Equal("usersync", await db.ScalarAsync<string>($"select string_agg(distinct application_name, ',') from pg_stat_activity where usename = '{db.Login}'"));
        Assert.Single(app.Services.GetServices<NpgsqlDataSource>());
    }
}
