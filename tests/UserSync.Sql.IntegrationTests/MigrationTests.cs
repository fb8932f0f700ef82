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
        await Migrations.ApplyAsync(_cluster, database, Migrations.Current);
        await _cluster.ExecuteAsync(database, "select user_sync.record_user_sync_metrics('test')");
        var before = await SnapshotAsync(database);

        await Migrations.ApplyAsync(_cluster, database, Migrations.Current);

        Assert.Equal(before, await SnapshotAsync(database));
        Assert.Equal(1, await _cluster.ScalarAsync<int>(database, "select count(*)::int from user_sync.cleanup_audit_log"));
    }

    [Fact]
    public async Task A_database_of_the_previous_release_upgraded_by_the_new_migrations_alone_ends_exactly_like_a_fresh_adoption()
    {
        var fresh = await _cluster.CreateDatabaseAsync(migrated: false);
        await Migrations.ApplyAsync(_cluster, fresh, Migrations.Current);
        var upgraded = await _cluster.CreateDatabaseAsync(migrated: false);
        await Migrations.ApplyAsync(_cluster, upgraded, Migrations.PreviousRelease);
        // Under the previous release a soft delete kept the name and avatar in the profile.
        await _cluster.ExecuteAsync(upgraded, """
            set role supabase_auth_admin;
            select standin.sign_up('gone@example.com', '{"full_name": "Gone", "avatar_url": "https://img.example/g.png"}',
                                   now(), null, '0e000000-0000-0000-0000-000000000001');
            select standin.soft_delete('0e000000-0000-0000-0000-000000000001');
            """);
        Assert.Equal("Gone", await _cluster.ScalarAsync<string>(upgraded,
            "select full_name from public.users where id = '0e000000-0000-0000-0000-000000000001'"));

        await Migrations.ApplyAsync(_cluster, upgraded, Migrations.NewSincePreviousRelease);

        Assert.Equal(await Migrations.SnapshotAsync(_cluster, fresh), await Migrations.SnapshotAsync(_cluster, upgraded));
        Assert.True(await _cluster.ScalarAsync<bool>(upgraded,
            "select email is null and full_name is null and avatar_url is null from public.users where id = '0e000000-0000-0000-0000-000000000001'"));
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

        await Migrations.ApplyAsync(_cluster, database, Migrations.Current);

        Assert.Equal(appRowsBefore, await _cluster.ScalarAsync<string>(database,
            "select string_agg(id || email || username || created_at, ',' order by id) from public.users where username is not null"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal(10, await _cluster.ScalarAsync<int>(database, "select sum(affected_count)::int from user_sync.cleanup_audit_log"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database,
            "select count(*) from auth.users a join public.users p using (id) where p.created_at <> a.created_at"));

        await _cluster.ExecuteAsync(database, "set role supabase_auth_admin; select standin.sign_up('new@example.com')");
        Assert.Equal(101L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.users"));
    }

    /// <summary>The schema plus the content of every UserSync table and the profiles.</summary>
    private async Task<string> SnapshotAsync(string database)
    {
        var data = await _cluster.ScalarAsync<string>(database, """
            select concat_ws(E'\n',
              (select string_agg(to_jsonb(u)::text, ',' order by id) from public.users u),
              (select string_agg(to_jsonb(l)::text, ',' order by id) from user_sync.cleanup_audit_log l),
              (select string_agg(to_jsonb(m)::text, ',' order by id) from user_sync.monitoring_log m))
            """);
        return await Migrations.SnapshotAsync(_cluster, database) + "\n" + data;
    }
}
