using System.Text.RegularExpressions;
using Npgsql;
using UserSync.Testing;

namespace UserSync.Sql.IntegrationTests;

/// <summary>
/// docs/runbook.md's trigger-enabled section, run as written by a `postgres` operator after each way
/// the trigger can be lost.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed partial class RunbookTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Theory]
    // Disabling, replica-only and dropping need the table's owner (Supabase Auth's role, or a
    // superuser); re-pointing the trigger at another function is open to postgres.
    [InlineData("supabase_auth_admin", "alter table auth.users disable trigger on_auth_user_created", "disabled")]
    [InlineData("supabase_auth_admin", "alter table auth.users enable replica trigger on_auth_user_created", "replica_only")]
    [InlineData("supabase_auth_admin", "drop trigger on_auth_user_created on auth.users", "missing")]
    [InlineData("postgres", "create function public.other() returns trigger language plpgsql as $$ begin return null; end $$; "
                + "create or replace trigger on_auth_user_created after insert on auth.users for each row execute function public.other()", "wrong_function")]
    public async Task The_runbooks_statements_run_as_postgres_restore_the_signup_trigger(string role, string incident, string state)
    {
        var database = await _cluster.CreateDatabaseAsync();
        await _cluster.ExecuteAsync(database, $"set role {role}; {incident}");
        Assert.Equal(state, await TriggerStateAsync(database));

        await _cluster.ExecuteAsync(database, RunbookSql(), "postgres");

        Assert.Equal("enabled", await TriggerStateAsync(database));
        await _cluster.ExecuteAsync(database, "set role supabase_auth_admin; select standin.sign_up('back@example.com')");
        Assert.Equal(0L, await _cluster.ScalarAsync<long>(database, "select ghost_users from user_sync.get_user_sync_stats()"));
    }

    [Fact]
    public async Task Postgres_cannot_enable_the_trigger_with_alter_table()
    {
        var database = await _cluster.CreateDatabaseAsync();
        await _cluster.ExecuteAsync(database, "set role supabase_auth_admin; alter table auth.users disable trigger on_auth_user_created");

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            _cluster.ExecuteAsync(database, "alter table auth.users enable trigger on_auth_user_created", "postgres"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Equal("disabled", await TriggerStateAsync(database));
    }

    private Task<string> TriggerStateAsync(string database) => _cluster.ScalarAsync<string>(database, "select user_sync.trigger_state()");

    /// <summary>The first ```sql block of the runbook's "## trigger-enabled" section.</summary>
    private static string RunbookSql()
    {
        var runbook = File.ReadAllText(Path.Combine(PostgresCluster.RepositoryRoot, "docs", "runbook.md"));
        var section = runbook[runbook.IndexOf("## trigger-enabled", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return SqlBlock().Match(section).Groups[1].Value;
    }

    [GeneratedRegex("```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
