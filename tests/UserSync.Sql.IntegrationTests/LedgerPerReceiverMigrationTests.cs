using Npgsql;
using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

/// <summary>
/// 20261202002000_alert_deliveries_per_receiver.sql on a database of the previous release: the
/// deliveries it recorded per channel become the receiver "default"'s, so a message redelivered
/// across the upgrade reaches no channel twice; a ledger keyed some other way stops the migration.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class LedgerPerReceiverMigrationTests(PostgresClusterFixture fixture)
{
    private const string Migration = "20261202002000_alert_deliveries_per_receiver.sql";

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Deliveries_recorded_per_channel_become_the_default_receivers_and_stay_final()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await Migrations.ApplyAsync(_cluster, database, Migrations.PreviousRelease);
        await _cluster.ExecuteAsync(database, """
            select user_sync.claim_alert_delivery('a1', 'email', '5 minutes');
            select user_sync.complete_alert_delivery('a1', 'email', true, 202, 'accepted');
            select user_sync.claim_alert_delivery('a1', 'slack', '5 minutes');
            select user_sync.complete_alert_delivery('a1', 'slack', false, 503, 'unavailable');
            """, user: "postgres");

        await Migrations.ApplyAsync(_cluster, database, Migrations.NewSincePreviousRelease);

        Assert.Equal("default/email/delivered/202, default/slack/claimed/503", await _cluster.ScalarAsync<string>(database,
            "select string_agg(receiver || '/' || channel || '/' || status || '/' || last_status_code, ', ' order by channel) from user_sync.alert_deliveries"));
        Assert.Equal("delivered", await Claim(database, "a1", "default", "email"));
        Assert.Equal("claimed", await Claim(database, "a1", "default", "slack"));
        Assert.Equal("claimed", await Claim(database, "a1", "oncall", "email"));
        Assert.Equal(0, await _cluster.ScalarAsync<int>(database,
            "select count(*)::int from pg_proc where proname in ('claim_alert_delivery', 'complete_alert_delivery') and pronargs in (3, 5)"));
    }

    [Fact]
    public async Task A_ledger_keyed_some_other_way_stops_the_migration_which_says_what_it_found_and_changes_nothing()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await Migrations.ApplyAsync(_cluster, database, Migrations.PreviousRelease);
        await _cluster.ExecuteAsync(database, """
            alter table user_sync.alert_deliveries drop constraint alert_deliveries_pkey;
            alter table user_sync.alert_deliveries add constraint alert_deliveries_pkey primary key (channel, alert_id);
            """, user: "postgres");
        var before = await Migrations.SnapshotAsync(_cluster, database);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            Migrations.ApplyAsync(_cluster, database, Migrations.Current.Where(f => Path.GetFileName(f) == Migration)));

        Assert.Contains("has primary key (channel, alert_id), expected (alert_id, channel) or (alert_id, receiver, channel)", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await Migrations.SnapshotAsync(_cluster, database));
    }

    private Task<string> Claim(string database, string alert, string receiver, string channel) =>
        _cluster.ScalarAsync<string>(database, $"select user_sync.claim_alert_delivery('{alert}', '{receiver}', '{channel}', '5 minutes')", user: "postgres");
}
