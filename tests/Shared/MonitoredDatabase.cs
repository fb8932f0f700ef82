namespace UserSync.Testing;

/// <summary>
/// A fresh migrated database, a login of its own in user_sync_monitor (role names are
/// cluster-wide, so each test gets a unique one), and the ways tests put users into it.
/// </summary>
public sealed class MonitoredDatabase
{
    private readonly PostgresCluster _cluster;

    private MonitoredDatabase(PostgresCluster cluster, string name, string login)
    {
        _cluster = cluster;
        Name = name;
        Login = login;
    }

    public string Name { get; }

    public string Login { get; }

    /// <summary>The monitor login on this database: what UserSync:ConnectionString holds in production.</summary>
    public string ConnectionString => _cluster.ConnectionString(Name, Login);

    /// <summary>A superuser connection to this database, for setting up what a test needs.</summary>
    public string AdminConnectionString => _cluster.ConnectionString(Name, "supabase_admin", pooling: false);

    public static async Task<MonitoredDatabase> CreateAsync(PostgresCluster cluster)
    {
        var name = await cluster.CreateDatabaseAsync();
        return new MonitoredDatabase(cluster, name, await CreateLoginAsync(cluster, inMonitorRole: true));
    }

    /// <summary>A login role, in user_sync_monitor or (to test refusals) in no role at all.</summary>
    public static async Task<string> CreateLoginAsync(PostgresCluster cluster, bool inMonitorRole)
    {
        var login = "mon_" + Guid.NewGuid().ToString("N")[..16];
        await cluster.ExecuteAsync("postgres", inMonitorRole
            ? $"create role {login} login in role user_sync_monitor"
            : $"create role {login} login");
        return login;
    }

    /// <summary>Signups as Supabase Auth makes them: the trigger gives each a profile.</summary>
    public async Task<IReadOnlyList<string>> SignUpAsync(int count, string prefix = "member")
    {
        var emails = Emails(count, prefix);
        await _cluster.ExecuteAsync(Name, $"set role supabase_auth_admin; {SignUps(emails)}");
        return emails;
    }

    /// <summary>Signups while the trigger cannot fire (replica mode): auth rows without a profile.</summary>
    public async Task<IReadOnlyList<string>> AddGhostsAsync(int count, string prefix = "ghost")
    {
        var emails = Emails(count, prefix);
        await _cluster.ExecuteAsync(Name, $"set session_replication_role = replica; set role supabase_auth_admin; {SignUps(emails)}");
        return emails;
    }

    /// <summary>A profile whose auth row never existed (the foreign key has to go first).</summary>
    public Task AddOrphanAsync(string email = "orphan@example.com") => _cluster.ExecuteAsync(Name, $"""
        alter table public.users drop constraint if exists users_id_fkey;
        insert into public.users (id, email) values (gen_random_uuid(), '{email}');
        """);

    public Task<T> ScalarAsync<T>(string sql) => _cluster.ScalarAsync<T>(Name, sql);

    public Task<long> CountAsync(string table) => ScalarAsync<long>($"select count(*) from {table}");

    private static List<string> Emails(int count, string prefix) =>
        Enumerable.Range(1, count).Select(i => $"{prefix}{i:000}@example.com").ToList();

    private static string SignUps(IEnumerable<string> emails) =>
        $"select standin.sign_up(e) from unnest(array[{string.Join(", ", emails.Select(e => $"'{e}'"))}]::text[]) e;";

    /// <summary>The ids of the ghosts in id order, as the database sees them.</summary>
    public async Task<IReadOnlyList<Guid>> GhostIdsAsync() =>
        await _cluster.GuidsAsync(Name, "select user_id from user_sync.check_ghost_users() order by user_id");

    /// <summary>What a request could have written: runs, audit rows and profiles.</summary>
    public async Task<(long Runs, long Audits, long Profiles)> WritesAsync() =>
        (await CountAsync("user_sync.monitoring_log"), await CountAsync("user_sync.cleanup_audit_log"), await CountAsync("public.users"));
}
