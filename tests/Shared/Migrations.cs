using Npgsql;

namespace UserSync.Testing;

/// <summary>
/// The migrations as files, applied the way `supabase db push` applies them (as `postgres`, one
/// transaction each), and a catalog snapshot of everything they create, for comparing two databases.
/// </summary>
public static class Migrations
{
    public static string Directory { get; } = Path.Combine(PostgresCluster.RepositoryRoot, "sql", "migrations");

    /// <summary>The migrations of the 2026-11-25 release, as that release shipped them.</summary>
    public static string PreviousReleaseDirectory { get; } = Path.Combine(PostgresCluster.RepositoryRoot, "tests", "Shared", "previous-release");

    public static IReadOnlyList<string> Current { get; } = Files(Directory);

    public static IReadOnlyList<string> PreviousRelease { get; } = Files(PreviousReleaseDirectory);

    /// <summary>The current migrations a database of the previous release has not applied yet.</summary>
    public static IReadOnlyList<string> NewSincePreviousRelease { get; } =
        Current.Where(f => !PreviousRelease.Select(Path.GetFileName).Contains(Path.GetFileName(f))).ToList();

    /// <summary>Applies <paramref name="files"/> in order; the notices each raised are added to <paramref name="notices"/>.</summary>
    public static async Task ApplyAsync(PostgresCluster cluster, string database, IEnumerable<string> files, List<string>? notices = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(files);
        await using var connection = new NpgsqlConnection(cluster.ConnectionString(database, "postgres", pooling: false));
        connection.Notice += (_, e) => notices?.Add(e.Notice.MessageText);
        await connection.OpenAsync();
        foreach (var file in files)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file), connection, transaction);
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
    }

    /// <summary>
    /// Every object UserSync owns or touches, as text: functions (definition with whitespace folded,
    /// owner, ACL, comment), tables of public and user_sync (columns, constraints, indexes, ACLs
    /// including column ACLs, RLS, policies, comment), the triggers on auth.users and public.users
    /// with their enabled state, the two schemas' ACLs and the monitor role. Readable on any server
    /// version (unlike a pg_dump of another major version).
    /// </summary>
    public static Task<string> SnapshotAsync(PostgresCluster cluster, string database)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.ScalarAsync<string>(database, """
            with fns as (
              select format('function %s owner=%s acl=%s comment=%s def=%s',
                       p.oid::regprocedure, p.proowner::regrole,
                       (select string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' order by 1)
                          from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a),
                       obj_description(p.oid, 'pg_proc'),
                       regexp_replace(pg_get_functiondef(p.oid), '\s+', ' ', 'g')) as line
                from pg_proc p
               where p.pronamespace in (select oid from pg_namespace where nspname in ('user_sync', 'user_sync_private', 'public'))
            ), tables as (
              select format('table %s rls=%s acl=%s comment=%s', c.oid::regclass, c.relrowsecurity,
                       (select string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' order by 1)
                          from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a),
                       obj_description(c.oid, 'pg_class')) as line
                from pg_class c
               where c.relnamespace in ('public'::regnamespace, 'user_sync'::regnamespace) and c.relkind = 'r'
              union all
              select format('column %s.%s %s notnull=%s default=%s acl=%s', c.oid::regclass, a.attname,
                       format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                       (select string_agg(x.grantee::regrole::text || ':' || x.privilege_type, ',' order by 1) from aclexplode(a.attacl) x))
                from pg_class c
                join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
               where c.relnamespace in ('public'::regnamespace, 'user_sync'::regnamespace) and c.relkind = 'r'
              union all
              select format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
                from pg_constraint where connamespace in ('public'::regnamespace, 'user_sync'::regnamespace)
              union all
              select format('index %s', pg_get_indexdef(i.indexrelid))
                from pg_index i join pg_class c on c.oid = i.indrelid
               where c.relnamespace in ('public'::regnamespace, 'user_sync'::regnamespace)
              union all
              select format('policy %s %s %s roles=%s using=%s check=%s', polrelid::regclass, polname, polcmd,
                       (select string_agg(r::regrole::text, ',' order by 1) from unnest(polroles) r),
                       pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid))
                from pg_policy
              union all
              select format('trigger %s enabled=%s', pg_get_triggerdef(oid), tgenabled)
                from pg_trigger where tgrelid in ('auth.users'::regclass, 'public.users'::regclass) and not tgisinternal
              union all
              select format('schema %s acl=%s comment=%s', nspname,
                       (select string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' order by 1)
                          from aclexplode(coalesce(nspacl, acldefault('n', nspowner))) a),
                       obj_description(oid, 'pg_namespace'))
                from pg_namespace where nspname in ('user_sync', 'user_sync_private', 'public')
              union all
              select format('role %s login=%s super=%s bypassrls=%s', rolname, rolcanlogin, rolsuper, rolbypassrls)
                from pg_roles where rolname = 'user_sync_monitor'
            )
            select string_agg(line, E'\n' order by line) from (select line from fns union all select line from tables) s
            """, "supabase_admin");
    }

    private static List<string> Files(string directory) =>
        System.IO.Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToList();
}
