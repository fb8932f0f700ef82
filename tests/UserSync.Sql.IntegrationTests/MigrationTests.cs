using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class MigrationTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Applying_every_migration_a_second_time_raises_nothing_and_changes_nothing()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        // Signed up before UserSync existed: a ghost the first run of the backfill repairs.
        await _cluster.ExecuteAsync(database, "set role supabase_auth_admin; select standin.sign_up('early@example.com')");
        await _cluster.ApplyMigrationsAsync(database);
        await _cluster.ExecuteAsync(database, "select user_sync.record_user_sync_metrics('test')");
        var before = await SnapshotAsync(database);

        await _cluster.ApplyMigrationsAsync(database);

        Assert.Equal(before, await SnapshotAsync(database));
        Assert.Equal(1, await _cluster.ScalarAsync<int>(database, "select count(*)::int from user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task Migrations_adopt_an_existing_populated_profile_table_and_backfill_its_ghosts()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, """
            create table public.users (
              id uuid primary key references auth.users (id) on delete cascade,
              email text,
              username text unique,
              created_at timestamptz not null default now()
            );
            """, "postgres");
        await _cluster.ExecuteAsync(database, """
            set role supabase_auth_admin;
            select standin.sign_up('existing' || g || '@example.com', '{}', '2024-01-01'::timestamptz + g * interval '1 day')
              from generate_series(1, 100) g;
            reset role;
            insert into public.users (id, email, username, created_at)
            select id, email, 'user' || row_number() over (order by email), created_at
              from auth.users order by email limit 90;
            """);
        var appRowsBefore = await _cluster.ScalarAsync<string>(database,
            "select string_agg(id || email || username || created_at, ',' order by id) from public.users");

        await _cluster.ApplyMigrationsAsync(database);

        Assert.Equal(appRowsBefore, await _cluster.ScalarAsync<string>(database,
            "select string_agg(id || email || username || created_at, ',' order by id) from public.users where username is not null"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal(10, await _cluster.ScalarAsync<int>(database, "select sum(affected_count)::int from user_sync.cleanup_audit_log"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database,
            "select count(*) from auth.users a join public.users p using (id) where p.created_at <> a.created_at"));

        await _cluster.ExecuteAsync(database, "set role supabase_auth_admin; select standin.sign_up('new@example.com')");
        Assert.Equal(101L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.users"));
    }

    /// <summary>The schema (pg_dump) plus the content of every UserSync table and the profiles.</summary>
    private async Task<string> SnapshotAsync(string database)
    {
        var schema = await _cluster.ClientAsync("pg_dump", $"--schema-only --restrict-key=usersync -d {database}");
        var data = await _cluster.ScalarAsync<string>(database, """
            select concat_ws(E'\n',
              (select string_agg(to_jsonb(u)::text, ',' order by id) from public.users u),
              (select string_agg(to_jsonb(l)::text, ',' order by id) from user_sync.cleanup_audit_log l),
              (select string_agg(to_jsonb(m)::text, ',' order by id) from user_sync.monitoring_log m),
              (select string_agg(rolname || rolcanlogin || rolbypassrls, ',') from pg_roles where rolname = 'user_sync_monitor'))
            """);
        return schema + "\n" + data;
    }
}
