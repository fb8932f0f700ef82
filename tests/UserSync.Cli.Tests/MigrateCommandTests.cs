using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class MigrateCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    private static List<string> MigrationFiles { get; } = Directory
        .GetFiles(Path.Combine(PostgresCluster.RepositoryRoot, "sql", "migrations"), "*.sql")
        .Select(f => Path.GetFileName(f))
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public async Task Migrate_on_a_new_database_applies_every_migration_in_order_and_exits_0()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(6, MigrationFiles.Count);
        Assert.Equal(MigrationFiles.Select(f => $"applied {f}"), result.StdoutLines.Where(l => l.StartsWith("applied ", StringComparison.Ordinal)));
        Assert.Equal(6L, await _cluster.ScalarAsync<long>(database, "select count(*) from user_sync.schema_versions"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
    }

    [Fact]
    public async Task Migrate_a_second_time_says_up_to_date_and_applies_nothing()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        CliAssert.ExitCode(ExitCodes.Healthy, await MigrateAsync(database));
        var journalBefore = await JournalAsync(database);

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("up to date", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("applied", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(journalBefore, await JournalAsync(database));
    }

    [Fact]
    public async Task Migrate_upgrades_a_database_of_the_previous_release_by_applying_only_the_keyset_repair()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        CliAssert.ExitCode(ExitCodes.Healthy, await MigrateAsync(database));
        // Back to the previous release (migrations 0100-0500 journaled): their unchanged files
        // restore the old function bodies, and what 0600 added goes.
        foreach (var file in MigrationFiles.Where(f => string.CompareOrdinal(f, "20261125000600") < 0))
        {
            await _cluster.ExecuteAsync(database, await File.ReadAllTextAsync(
                Path.Combine(PostgresCluster.RepositoryRoot, "sql", "migrations", file)), "postgres");
        }

        await _cluster.ExecuteAsync(database, """
            drop function user_sync.repair_ghost_users(integer, boolean, uuid);
            drop function user_sync.next_ghost_ids(integer, uuid);
            drop function user_sync.next_orphan_ids(integer, uuid);
            delete from user_sync.schema_versions where scriptname like '%20261125000600%';
            """, "postgres");
        Assert.Equal("plpgsql", await _cluster.ScalarAsync<string>(database,
            "select l.lanname::text from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'user_sync.repair_ghost_users(integer, boolean)'::regprocedure"));

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(["applied 20261125000600_keyset_ghost_repair.sql"],
            result.StdoutLines.Where(l => l.StartsWith("applied ", StringComparison.Ordinal)));
        Assert.Equal("sql", await _cluster.ScalarAsync<string>(database,
            "select l.lanname::text from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'user_sync.repair_ghost_users(integer, boolean)'::regprocedure"));
        Assert.True(await _cluster.ScalarAsync<bool>(database,
            "select has_function_privilege('user_sync_monitor', 'user_sync.repair_ghost_users(integer, boolean, uuid)', 'EXECUTE')"));
    }

    [Fact]
    public async Task Migrate_enables_row_level_security_on_its_journal()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);

        CliAssert.ExitCode(ExitCodes.Healthy, await MigrateAsync(database));

        Assert.True(await _cluster.ScalarAsync<bool>(database,
            "select relrowsecurity from pg_class where oid = 'user_sync.schema_versions'::regclass"));
    }

    [Fact]
    public async Task Check_runs_healthy_on_a_database_migrated_by_the_cli()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        CliAssert.ExitCode(ExitCodes.Healthy, await MigrateAsync(database));
        // user_sync_monitor is created by the last migration, so the login can only exist now.
        var login = await MonitoredDatabase.CreateLoginAsync(_cluster, inMonitorRole: true);

        var result = await Cli.RunAsync("check", "--connection", _cluster.ConnectionString(database, login));

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(1L, await _cluster.ScalarAsync<long>(database, "select count(*) from user_sync.monitoring_log"));
    }

    private Task<CliResult> MigrateAsync(string database) =>
        Cli.RunAsync("migrate", "--connection", _cluster.ConnectionString(database, "postgres"));

    private Task<string> JournalAsync(string database) => _cluster.ScalarAsync<string>(database,
        "select string_agg(scriptname || ' ' || applied, E'\\n' order by schemaversionsid) from user_sync.schema_versions");
}
