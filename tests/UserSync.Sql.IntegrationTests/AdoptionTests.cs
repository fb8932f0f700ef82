using Npgsql;
using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

/// <summary>
/// Adopting UserSync onto a project that already has objects of its own: the migrations stop, say
/// what they found and change nothing, and each way forward they offer works.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AdoptionTests(PostgresClusterFixture fixture)
{
    // Supabase's quickstart: a profiles table filled by public.handle_new_user() from on_auth_user_created.
    private const string Quickstart = """
        create table public.profiles (
          id uuid not null references auth.users on delete cascade primary key,
          full_name text,
          avatar_url text
        );
        alter table public.profiles enable row level security;
        create function public.handle_new_user()
        returns trigger
        language plpgsql
        security definer set search_path = ''
        as $$
        begin
          insert into public.profiles (id, full_name, avatar_url)
          values (new.id, new.raw_user_meta_data->>'full_name', new.raw_user_meta_data->>'avatar_url');
          return new;
        end;
        $$;
        create trigger on_auth_user_created
          after insert on auth.users
          for each row execute procedure public.handle_new_user();
        """;

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task An_app_with_its_own_handle_new_user_and_trigger_stops_the_first_migration_which_says_what_it_found_and_changes_nothing()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, Quickstart, "postgres");
        var before = await AppObjectsAsync(database);

        var error = await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(_cluster, database, Migrations.Current));

        Assert.Equal(PostgresErrorCodes.DuplicateObject, error.SqlState);
        Assert.Contains("not its own; nothing was changed", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("public.handle_new_user()", error.Detail, StringComparison.Ordinal);
        Assert.Contains("inserts into public.profiles", error.Detail, StringComparison.Ordinal);
        Assert.Contains("executed by trigger on_auth_user_created on auth.users", error.Detail, StringComparison.Ordinal);
        Assert.Contains("comment on function public.handle_new_user() is 'usersync:take-over';", error.Hint, StringComparison.Ordinal);
        Assert.Contains("comment on function public.handle_new_user() is 'usersync:keep';", error.Hint, StringComparison.Ordinal);
        Assert.Equal(before, await AppObjectsAsync(database));
        Assert.False(await _cluster.ScalarAsync<bool>(database, "select exists (select from pg_namespace where nspname = 'user_sync')"));
        await SignUpAsync(database, "after-refusal@example.com");
        Assert.Equal(1L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.profiles"));
    }

    [Fact]
    public async Task A_trigger_named_on_auth_user_created_that_executes_another_function_stops_the_migration_too()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, Quickstart.Replace("handle_new_user", "create_profile", StringComparison.Ordinal), "postgres");

        var error = await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(_cluster, database, Migrations.Current));

        Assert.Contains("public.create_profile()", error.Detail, StringComparison.Ordinal);
        Assert.Contains("executed by trigger on_auth_user_created", error.Detail, StringComparison.Ordinal);
        Assert.Contains("comment on function public.create_profile() is 'usersync:take-over';", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taking_over_replaces_the_apps_function_and_a_profiles_insert_moved_onto_public_users_keeps_working()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, Quickstart, "postgres");
        await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(_cluster, database, Migrations.Current));

        await _cluster.ExecuteAsync(database, "comment on function public.handle_new_user() is 'usersync:take-over';", "postgres");
        await Migrations.ApplyAsync(_cluster, database, Migrations.Current);
        // The app's profiles insert, moved (as docs/database.md shows) onto the profile UserSync creates.
        await _cluster.ExecuteAsync(database, """
            create function public.create_app_profile() returns trigger language plpgsql security definer set search_path = ''
            as $$ begin insert into public.profiles (id, full_name, avatar_url) values (new.id, new.full_name, new.avatar_url); return null; end $$;
            create trigger on_user_sync_profile_created after insert on public.users for each row execute function public.create_app_profile();
            """, "postgres");

        await SignUpAsync(database, "taken-over@example.com", """{"full_name": "Tia"}""");

        Assert.Equal("enabled", await _cluster.ScalarAsync<string>(database, "select user_sync.trigger_state()"));
        Assert.StartsWith("usersync:managed", await _cluster.ScalarAsync<string>(database,
            "select obj_description('public.handle_new_user()'::regprocedure, 'pg_proc')"), StringComparison.Ordinal);
        Assert.Equal("Tia", await _cluster.ScalarAsync<string>(database, "select full_name from public.users"));
        Assert.Equal("Tia", await _cluster.ScalarAsync<string>(database, "select full_name from public.profiles"));
    }

    [Fact]
    public async Task Keeping_the_apps_own_trigger_leaves_it_untouched_and_the_monitor_watches_it()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        // An app that already keeps public.users itself, with a trigger of the same names.
        await _cluster.ExecuteAsync(database, """
            create table public.users (
              id uuid primary key references auth.users (id) on delete cascade,
              email text,
              plan text not null default 'free',
              created_at timestamptz not null default now()
            );
            create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
            as $$ begin insert into public.users (id, email, created_at) values (new.id, new.email, new.created_at); return null; end $$;
            create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();
            """, "postgres");
        await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(_cluster, database, Migrations.Current));
        await _cluster.ExecuteAsync(database, "comment on function public.handle_new_user() is 'usersync:keep';", "postgres");
        var appFunction = await FunctionDefinitionAsync(database);
        var notices = new List<string>();

        await Migrations.ApplyAsync(_cluster, database, Migrations.Current, notices);
        await SignUpAsync(database, "kept@example.com");

        Assert.Equal(appFunction, await FunctionDefinitionAsync(database));
        Assert.Contains(notices, n => n.Contains("keeps the app's on_auth_user_created", StringComparison.Ordinal));
        Assert.Equal("free", await _cluster.ScalarAsync<string>(database, "select plan from public.users"));
        Assert.Equal("healthy", await _cluster.ScalarAsync<string>(database, "select status from user_sync.record_user_sync_metrics('test')"));
        await _cluster.ExecuteAsync(database, "alter table auth.users disable trigger on_auth_user_created");
        Assert.Equal("critical", await _cluster.ScalarAsync<string>(database, "select status from user_sync.record_user_sync_metrics('test')"));
        Assert.Equal("disabled", await _cluster.ScalarAsync<string>(database, "select trigger_state from user_sync.get_latest_sync_status()"));
    }

    [Fact]
    public async Task An_adopted_table_with_a_not_null_column_without_default_stops_the_migration_before_any_signup_can_fail()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, """
            create table public.users (
              id uuid primary key references auth.users (id) on delete cascade,
              username text not null,
              email text not null
            );
            """, "postgres");

        var error = await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(_cluster, database, Migrations.Current));

        Assert.Equal(PostgresErrorCodes.NotNullViolation, error.SqlState);
        Assert.Contains("username, email", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("alter table public.users alter column username drop not null", error.Hint, StringComparison.Ordinal);
        Assert.False(await _cluster.ScalarAsync<bool>(database, "select exists (select from pg_namespace where nspname = 'user_sync')"));
        Assert.Equal(3L, await _cluster.ScalarAsync<long>(database,
            "select count(*) from pg_attribute where attrelid = 'public.users'::regclass and attnum > 0"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database,
            "select count(*) from pg_trigger where tgrelid = 'auth.users'::regclass and not tgisinternal"));

        await _cluster.ExecuteAsync(database, """
            alter table public.users alter column username set default 'user-' || substr(md5(random()::text), 1, 8);
            alter table public.users alter column email drop not null;
            """, "postgres");
        await Migrations.ApplyAsync(_cluster, database, Migrations.Current);
        await SignUpAsync(database, null);
        Assert.Equal(1L, await _cluster.ScalarAsync<long>(database, "select count(*) from public.users where email is null"));
    }

    [Fact]
    public async Task An_adopted_tables_grants_and_policies_stay_as_the_app_set_them_and_the_migration_says_so()
    {
        var database = await _cluster.CreateDatabaseAsync(migrated: false);
        await _cluster.ExecuteAsync(database, """
            create table public.users (id uuid primary key references auth.users (id) on delete cascade, bio text);
            alter table public.users enable row level security;
            create policy "profiles are public" on public.users for select to anon, authenticated using (true);
            """, "postgres");
        const string Grants = """
            select string_agg(format('%s %s', grantee, privilege_type), ',' order by grantee, privilege_type)
              || (select string_agg(polname, ',') from pg_policy where polrelid = 'public.users'::regclass)
              from information_schema.role_table_grants where table_schema = 'public' and table_name = 'users'
            """;
        var before = await _cluster.ScalarAsync<string>(database, Grants);
        var notices = new List<string>();

        await Migrations.ApplyAsync(_cluster, database, Migrations.Current, notices);

        Assert.Equal(before, await _cluster.ScalarAsync<string>(database, Grants));
        Assert.Contains("TRUNCATE", before, StringComparison.Ordinal);
        Assert.Contains(notices, n => n.Contains("grants and policies stay as you set them", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("leaves the grants and policies of the adopted public.users", StringComparison.Ordinal));
    }

    private Task SignUpAsync(string database, string? email, string metadata = "{}") => _cluster.ExecuteAsync(database,
        $"set role supabase_auth_admin; select standin.sign_up({(email is null ? "null" : $"'{email}'")}, '{metadata}')");

    private Task<string> FunctionDefinitionAsync(string database) =>
        _cluster.ScalarAsync<string>(database, "select pg_get_functiondef('public.handle_new_user()'::regprocedure)");

    private Task<string> AppObjectsAsync(string database) => _cluster.ScalarAsync<string>(database, """
        select concat_ws(E'\n',
          (select pg_get_functiondef(p.oid) || coalesce(obj_description(p.oid, 'pg_proc'), '') from pg_proc p where p.oid = 'public.handle_new_user()'::regprocedure),
          (select string_agg(pg_get_triggerdef(t.oid) || t.tgenabled::text, E'\n' order by tgname) from pg_trigger t where t.tgrelid = 'auth.users'::regclass and not t.tgisinternal),
          (select string_agg(relname, ',' order by relname) from pg_class where relnamespace = 'public'::regnamespace))
        """);
}
