using System.CommandLine;
using Spectre.Console;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Cli.Commands;

/// <summary>`usersync ghosts [--limit N] [--after CURSOR] [--unmask] [--json]`: the ghost list in keyset pages, masked by default.</summary>
public static class GhostsCommand
{
    public const int MaxLimit = 1000;

    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var limit = new Option<int>("--limit") { Description = $"Page size (1..{MaxLimit}).", DefaultValueFactory = _ => 50 }.Between(1, MaxLimit);
        var after = new Option<string?>("--after") { Description = "The cursor printed after the previous page." };
        after.Validators.Add(result =>
        {
            if (!GhostCursor.TryDecode(result.GetValueOrDefault<string?>(), out _))
            {
                result.AddError("--after is not a cursor printed by 'usersync ghosts'.");
            }
        });
        var unmask = new Option<bool>("--unmask") { Description = "Show full emails and ids (PII: only where you may see it)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("ghosts", "List auth users without a profile, a page at a time.") { limit, after, unmask, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var masked = !parsed.GetValue(unmask);
            await using var database = shared.Database(parsed, environment, masked);
            var store = database.Store;
            Guid? afterId = GhostCursor.TryDecode(parsed.GetValue(after), out var id) ? id : null;
            var page = await store.GetGhostsAsync(parsed.GetValue(limit), afterId, cancellationToken);
            var next = page.Count == parsed.GetValue(limit) ? GhostCursor.Encode(page[^1].UserId) : null;
            var rows = page.Select(g => new
            {
                userId = masked ? PiiMasker.ShortenId(g.UserId) : g.UserId.ToString(),
                email = masked ? PiiMasker.MaskEmail(g.Email) : g.Email,
                createdAt = g.CreatedAt,
            }).ToList();

            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(AlertJson.Serialize(new { ghosts = rows, nextCursor = next, masked }));
                return ExitCodes.Healthy;
            }

            var table = new Table().AddColumn("user").AddColumn("email").AddColumn("created at (UTC)");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.userId), Markup.Escape(row.email ?? "(no email)"),
                    row.createdAt?.ToString("yyyy-MM-dd HH:mm:ss", Render.Culture) ?? "");
            }

            environment.Console.Write(table);
            await environment.Out.WriteLineAsync(next is null
                ? $"{rows.Count} ghost user(s); end of list."
                : $"{rows.Count} ghost user(s); next page: usersync ghosts --limit {parsed.GetValue(limit)} --after {next}");
            return ExitCodes.Healthy;
        });
        return command;
    }
}
