using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class MigrateCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    private static List<string> MigrationFiles { get; } = Migrations.Current.Select(f => Path.GetFileName(f)).ToList();

    [Fact]
    public async Task Migrate_on_a_new_database_applies_every_migration_in_order_and_exits_0()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(23, MigrationFiles.Count);
        Assert.Equal(MigrationFiles.Select(f => $"applied {f}"), result.StdoutLines.Where(l => l.StartsWith("applied ", StringComparison.Ordinal)));
        Assert.Equal((long)MigrationFiles.Count, await _cluster.ScalarAsync<long>(database, "select count(*) from user_sync.schema_versions"));
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
    public async Task Migrate_upgrades_a_database_of_the_previous_release_by_applying_only_the_new_migrations()
    {
        // The previous release's files as it shipped them, journaled as its `usersync migrate` left them.
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await Migrations.ApplyAsync(_cluster, database, Migrations.PreviousRelease);
        await _cluster.ExecuteAsync(database, $$"""
            create table user_sync.schema_versions (schemaversionsid serial primary key, scriptname varchar(255) not null, applied timestamp not null);
            insert into user_sync.schema_versions (scriptname, applied)
            select 'migrations/' || f, now() from unnest(array['{{string.Join("','", Migrations.PreviousRelease.Select(Path.GetFileName))}}']) f;
            """, "postgres");

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(Migrations.NewSincePreviousRelease.Select(f => $"applied {Path.GetFileName(f)}"),
            result.StdoutLines.Where(l => l.StartsWith("applied ", StringComparison.Ordinal)));
        Assert.Equal(17, Migrations.NewSincePreviousRelease.Count);
        Assert.StartsWith("usersync:managed", await _cluster.ScalarAsync<string>(database,
            "select obj_description('public.handle_new_user()'::regprocedure, 'pg_proc')"), StringComparison.Ordinal);
        Assert.Equal("enabled", await _cluster.ScalarAsync<string>(database, "select user_sync.trigger_state()"));
        Assert.True(await _cluster.ScalarAsync<bool>(database,
            "select has_function_privilege('user_sync_monitor', 'user_sync.get_cleanup_audit(integer, bigint)', 'EXECUTE')"));
        Assert.False(await _cluster.ScalarAsync<bool>(database, "select has_table_privilege('anon', 'public.users', 'TRUNCATE')"));
    }

    [Fact]
    public async Task Migrate_onto_an_apps_own_signup_trigger_exits_3_with_what_it_found_and_the_two_ways_forward()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, """
            create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
            as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
            """, "postgres");

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        Assert.Contains("20261125000100_create_user_sync_trigger.sql failed and was rolled back", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Found: function public.handle_new_user() (owner postgres; it inserts into public.profiles)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'usersync:take-over'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'usersync:keep'", result.Stderr, StringComparison.Ordinal);
        Assert.False(await _cluster.ScalarAsync<bool>(database, "select exists (select from pg_namespace where nspname = 'user_sync' and exists (select from pg_class where relnamespace = pg_namespace.oid and relname = 'monitoring_log'))"));
    }

    [Fact]
    public async Task Migrate_prints_what_the_migrations_say_about_an_adopted_table()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, "create table public.users (id uuid primary key references auth.users (id))", "postgres");

        var result = await MigrateAsync(database);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains(result.StdoutLines, l => l.StartsWith("notice: UserSync adopts the existing public.users", StringComparison.Ordinal));
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
