using System.CommandLine;
using Spectre.Console;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync audit [--limit N] [--before ID] [--json]`: the cleanup audit log newest first (who
/// repaired what, when, how many), with ids shortened; the log holds no email.
/// </summary>
public static class AuditCommand
{
    public const int MaxLimit = 1000;

    // The table shows a few ids per row; JSON carries them all (shortened).
    private const int IdsShown = 3;

    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var limit = new Option<int>("--limit") { Description = $"Rows per page (1..{MaxLimit}).", DefaultValueFactory = _ => 20 }.Between(1, MaxLimit);
        var before = new Option<long?>("--before") { Description = "Show rows older than this audit id (printed after the previous page)." };
        before.Validators.Add(result =>
        {
            // A value that is not a number is reported by the parser itself.
            if (result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, Render.Culture, out var id) && id < 1)
            {
                result.AddError("--before must be a positive audit id.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("audit", "Show the cleanup audit log: who repaired what, when, how many.") { limit, before, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            // The audit log holds no email; its ids are shortened below whatever the masking setting.
            await using var database = shared.Database(parsed, environment);
            var page = CleanupAuditPage.From(
                await database.Store.GetCleanupAuditAsync(parsed.GetValue(limit), parsed.GetValue(before), cancellationToken),
                parsed.GetValue(limit));
            var (rows, next) = (page.Entries, page.NextBefore);

            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(page));
                return ExitCodes.Healthy;
            }

            var table = new Table().AddColumn("id").AddColumn("at (UTC)").AddColumn("action").AddColumn("by")
                .AddColumn("asked by").AddColumn("application").AddColumn(new TableColumn("users").RightAligned()).AddColumn("ids");
            foreach (var row in rows)
            {
                var ids = string.Join(" ", row.AffectedIds.Take(IdsShown)) + (row.AffectedIds.Count > IdsShown ? " …" : "");
                table.AddRow(row.Id.ToString(Render.Culture), row.PerformedAt.ToString("yyyy-MM-dd HH:mm:ss", Render.Culture),
                    Markup.Escape(row.Action), Markup.Escape(row.PerformedBy), Markup.Escape(row.RequestedBy ?? "-"),
                    Markup.Escape(row.Application), row.AffectedCount.ToString(Render.Culture), Markup.Escape(ids));
            }

            environment.Console.Write(table);
            await environment.Out.WriteLineAsync(next is null
                ? $"{rows.Count} audit row(s); end of log."
                : $"{rows.Count} audit row(s); older: usersync audit --limit {parsed.GetValue(limit)} --before {next}");
            return ExitCodes.Healthy;
        });
        return command;
    }
}
