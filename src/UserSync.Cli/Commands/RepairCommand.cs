using System.CommandLine;
using Spectre.Console;
using UserSync.Core.Alerts;
using UserSync.Core.Store;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync repair [--dry-run | --apply --yes] [--batch-size N]`: creates the missing profiles in
/// batches, one transaction each, audited in user_sync.cleanup_audit_log. A dry run is the default;
/// applying needs --yes, so a repair is never one typo away.
/// </summary>
public static class RepairCommand
{
    /// <summary>What the CLI's repairs record as who asked (the audit row's requested_by).</summary>
    public const string RequestedBy = "cli";

    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be repaired (the default)." };
        var apply = new Option<bool>("--apply") { Description = "Create the missing profiles. Needs --yes." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm --apply." };
        var batchSize = new Option<int>("--batch-size") { Description = "Ghosts per transaction (1..100000).", DefaultValueFactory = _ => 1000 }.Between(1, 100_000);
        var command = new Command("repair", "Create profiles for ghost users (dry run unless --apply --yes).") { dryRun, apply, yes, batchSize };
        command.Validators.Add(result =>
        {
            if (result.GetValue(dryRun) && result.GetValue(apply))
            {
                result.AddError("--dry-run and --apply exclude each other.");
            }
            else if (result.GetValue(apply) && !result.GetValue(yes))
            {
                result.AddError("refusing to --apply without --yes: run 'usersync repair --dry-run' first, then 'usersync repair --apply --yes'.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var database = shared.Database(parsed, environment);
            var store = database.Store;
            var size = parsed.GetValue(batchSize);
            if (!parsed.GetValue(apply))
            {
                var preview = await store.RepairBatchAsync(size, dryRun: true, after: null, RequestedBy, cancellationToken);
                var stats = await store.GetStatsAsync(cancellationToken);
                var table = new Table().AddColumn("user").AddColumn("created at (UTC)");
                foreach (var user in preview.Take(20))
                {
                    table.AddRow(PiiMasker.ShortenId(user.UserId), user.CreatedAt?.ToString("yyyy-MM-dd HH:mm:ss", Render.Culture) ?? "");
                }

                environment.Console.Write(table);
                await environment.Out.WriteLineAsync(
                    $"Dry run: {stats.GhostUsers} ghost user(s) would get a profile, in batches of {size}; the first batch holds {preview.Count}. Nothing was written.");
                await environment.Out.WriteLineAsync("Apply with: usersync repair --apply --yes");
                return ExitCodes.Healthy;
            }

            var total = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
            var progress = new GhostRepairProgress(0, 0, Complete: false);
            await environment.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("repairing ghost users", maxValue: Math.Max(total, 1));
                    progress = await GhostRepair.RepairAllAsync(store, size, RequestedBy, mayStartBatch: null,
                        onBatch: p => task.Value = Math.Min(p.Repaired, task.MaxValue), cancellationToken);
                    task.Value = task.MaxValue;
                });

            if (progress.StoppedBy is { } reason)
            {
                // The batches before the failure are committed and audited: say how far it got, so
                // nobody re-runs a repair believing nothing happened (or that everything did).
                await environment.Error.WriteLineAsync(
                    $"usersync: repair stopped after {progress.Repaired} ghost user(s) in {progress.Batches} batch(es): {reason}. "
                    + "Those batches are committed and audited; run 'usersync repair --apply --yes' again to repair the rest.");
                return ExitCodes.CouldNotRun;
            }

            await environment.Out.WriteLineAsync($"Repaired {progress.Repaired} ghost user(s) in {progress.Batches} batch(es) of up to {size}; each batch is audited in user_sync.cleanup_audit_log.");
            return ExitCodes.Healthy;
        });
        return command;
    }
}
