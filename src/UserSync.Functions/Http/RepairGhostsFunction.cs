using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;
using UserSync.Core.Store;
using UserSync.Core.Telemetry;

namespace UserSync.Functions.Http;

/// <summary>
/// POST repair (admin key): a dry run unless the body says {"apply": true}. An apply repairs in
/// batches, one audited transaction each, and stops starting batches after <see cref="RepairBudget"/>
/// so the request ends well inside functionTimeout; "complete": false says to call again. A
/// database failure part way is a 503 that says how many were repaired before it. A rejected body
/// records and changes nothing. An apply holds the repair lock, which automatic repairs and the CLI
/// take too: while another repair holds it the answer is 409 and nothing is written.
/// </summary>
public sealed class RepairGhostsFunction(IUserSyncStore store, TimeProvider clock, UserSyncTelemetry? telemetry = null)
{
    public const int MaxBatch = 100_000;

    /// <summary>What repairs through the function-key API record as who asked (the audit row's requested_by).</summary>
    public const string RequestedBy = "function-key";

    public static readonly TimeSpan RepairBudget = TimeSpan.FromSeconds(60);

    [Function("RepairGhosts")]
    public async Task<Results<Ok<RepairPreview>, Ok<RepairReport>, ValidationProblem, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Routes.Repair)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestBody.ReadAsync<RepairRequest>(request, RepairRequest.Example, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.BatchSize is < 1 or > MaxBatch)
        {
            return Problems.Invalid("batchSize", $"must be an integer between 1 and {MaxBatch}");
        }

        if (!body.Apply)
        {
            var preview = await store.RepairBatchAsync(body.BatchSize, dryRun: true, after: null, RequestedBy, cancellationToken);
            var stats = await store.GetStatsAsync(cancellationToken);
            return TypedResults.Ok(new RepairPreview(DryRun: true, stats.GhostUsers, body.BatchSize,
                preview.Select(u => new RepairPreviewUser(PiiMasker.ShortenId(u.UserId), u.CreatedAt)).ToList()));
        }

        await using var repairLock = await store.TryAcquireRepairLockAsync(cancellationToken);
        if (repairLock is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A repair is already running",
                detail: "Another repair (automatic, the CLI or another call) holds the repair lock; nothing was written. Try again when it has finished.");
        }

        var (progress, stopped) = await ApplyAsync(store, clock, telemetry, body.BatchSize, RequestedBy, cancellationToken);
        if (stopped is not null)
        {
            return stopped;
        }

        var remaining = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
        return TypedResults.Ok(new RepairReport(DryRun: false, progress.Repaired, progress.Batches, body.BatchSize, progress.Complete, remaining));
    }

    /// <summary>
    /// The apply, for a caller that holds the repair lock (POST repair, POST view/repair): batches
    /// within <see cref="RepairBudget"/>, audited as requested by <paramref name="requestedBy"/>;
    /// a database failure part way is the 503 problem that says how many were repaired before it.
    /// </summary>
    public static async Task<(GhostRepairProgress Progress, ProblemHttpResult? Stopped)> ApplyAsync(IUserSyncStore store, TimeProvider clock,
        UserSyncTelemetry? telemetry, int batchSize, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var started = clock.GetTimestamp();
        var progress = await GhostRepair.RepairAllAsync(store, batchSize, requestedBy,
            mayStartBatch: () => clock.GetElapsedTime(started) < RepairBudget, onBatch: null, cancellationToken);
        telemetry?.RecordRepair(progress.Repaired, automatic: false);
        if (progress.StoppedBy is { } reason)
        {
            return (progress, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The repair stopped part way",
                detail: $"Repaired {progress.Repaired} ghost user(s) in {progress.Batches} batch(es) before {reason}; those batches are committed and audited. Call again to repair the rest.",
                extensions: new Dictionary<string, object?> { ["repaired"] = progress.Repaired, ["batches"] = progress.Batches }));
        }

        return (progress, null);
    }
}
