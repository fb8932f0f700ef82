using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;
using UserSync.Core.Runs;
using UserSync.Core.Store;
using UserSync.Core.Telemetry;
using UserSync.Functions.Functions;
using UserSync.Functions.Http;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// The dashboard's two actions, for callers with the admin role (403 without it): run the checks
/// now, and repair ghosts (a dry run first, then an apply that names the count it confirms; a
/// different count is a 409 and nothing is written). Each is recorded with who asked: the run's
/// requested_by, the repair's audit rows ("dashboard:&lt;principal id&gt;", locally "dashboard:local").
/// Both queue the alert messages of the run they record, as POST checks/run does.
/// </summary>
public sealed class DashboardActionFunctions(DashboardAccess access, CheckRunner runner, IUserSyncStore store, TimeProvider clock,
    UserSyncTelemetry? telemetry = null)
{
    /// <summary>Ghosts a dry run shows (ids shortened).</summary>
    public const int SampleSize = 10;

    /// <summary>Ghosts per repair transaction, as POST repair's default.</summary>
    public const int BatchSize = 1000;

    [Function("DashboardRunChecks")]
    public async Task<RunChecksOutput> RunChecksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ViewRunChecks)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: true, out var caller, out var denied))
        {
            return new RunChecksOutput { Response = denied! };
        }

        return RunChecksFunction.Answer(await runner.RunAsync(AlertSources.Dashboard, caller.RequestedBy, cancellationToken));
    }

    [Function("DashboardRepair")]
    public async Task<RunChecksOutput> RepairAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ViewRepair)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: true, out var caller, out var denied))
        {
            return new RunChecksOutput { Response = denied! };
        }

        var (body, problem) = await RequestBody.ReadAsync<DashboardRepairRequest>(request, DashboardRepairRequest.Example, cancellationToken);
        if (problem is not null)
        {
            return new RunChecksOutput { Response = problem };
        }

        if (!body!.Apply)
        {
            if (body.ConfirmCount is not null)
            {
                return new RunChecksOutput { Response = Problems.Invalid("confirmCount", "goes with \"apply\": true (a dry run confirms nothing)") };
            }

            var sample = await store.RepairBatchAsync(SampleSize, dryRun: true, after: null, caller.RequestedBy, cancellationToken);
            var count = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
            return new RunChecksOutput
            {
                Response = TypedResults.Ok(new DashboardRepairPreview(DryRun: true, count,
                    sample.Select(u => new RepairPreviewUser(PiiMasker.ShortenId(u.UserId), u.CreatedAt)).ToList())),
            };
        }

        if (body.ConfirmCount is not { } confirmed || confirmed < 0)
        {
            return new RunChecksOutput
            {
                Response = Problems.Invalid("confirmCount", "must be the ghost count the dry run showed (an integer of 0 or more) when \"apply\" is true"),
            };
        }

        GhostRepairProgress progress;
        await using (var repairLock = await store.TryAcquireRepairLockAsync(cancellationToken))
        {
            if (repairLock is null)
            {
                return new RunChecksOutput
                {
                    Response = TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A repair is already running",
                        detail: "Another repair (automatic, the CLI or another call) holds the repair lock; nothing was written. Try again when it has finished."),
                };
            }

            var current = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
            if (current != confirmed)
            {
                return new RunChecksOutput
                {
                    Response = TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The ghost count changed",
                        detail: $"You confirmed {confirmed} ghost user(s); there are {current} now. Nothing was written: check the new count and confirm again.",
                        extensions: new Dictionary<string, object?> { ["count"] = current, ["confirmCount"] = confirmed }),
                };
            }

            var (done, stopped) = await RepairGhostsFunction.ApplyAsync(store, clock, telemetry, BatchSize, caller.RequestedBy, cancellationToken);
            if (stopped is not null)
            {
                return new RunChecksOutput { Response = stopped };
            }

            progress = done;
        }

        // The re-check records the repaired state (the page's numbers come from runs) and queues
        // its messages, so the channels hear the resolve now.
        var recheck = await runner.RunAsync(AlertSources.Dashboard, caller.RequestedBy, cancellationToken);
        var run = recheck.Kind == CheckRunKind.Completed ? recheck.Run : null;
        var remaining = run?.GhostUsers ?? (await store.GetStatsAsync(cancellationToken)).GhostUsers;
        return new RunChecksOutput
        {
            Response = TypedResults.Ok(new DashboardRepairReport(DryRun: false, progress.Repaired, progress.Batches, progress.Complete, remaining,
                caller.RequestedBy,
                run is null ? null : new LastRunView(run.RunId, run.CheckedAt, run.DurationMs, run.Source, run.Status.ToString().ToLowerInvariant(),
                    caller.RequestedBy))),
            Alerts = recheck.Kind == CheckRunKind.Completed ? AlertMessages.From(recheck.Alerts).Alerts : null,
        };
    }
}
