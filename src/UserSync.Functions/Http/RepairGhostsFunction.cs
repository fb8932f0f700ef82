using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;
using UserSync.Core.Store;

namespace UserSync.Functions.Http;

/// <summary>
/// POST repair (admin key): a dry run unless the body says {"apply": true}. An apply repairs in
/// batches, one audited transaction each, and stops starting batches after <see cref="RepairBudget"/>
/// so the request ends well inside functionTimeout; "complete": false says to call again. A
/// database failure part way is a 503 that says how many were repaired before it. A rejected body
/// records and changes nothing.
/// </summary>
public sealed class RepairGhostsFunction(IUserSyncStore store, TimeProvider clock)
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

        var started = clock.GetTimestamp();
        var progress = await GhostRepair.RepairAllAsync(store, body.BatchSize, RequestedBy,
            mayStartBatch: () => clock.GetElapsedTime(started) < RepairBudget, onBatch: null, cancellationToken);
        if (progress.StoppedBy is { } reason)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The repair stopped part way",
                detail: $"Repaired {progress.Repaired} ghost user(s) in {progress.Batches} batch(es) before {reason}; those batches are committed and audited. Call again to repair the rest.",
                extensions: new Dictionary<string, object?> { ["repaired"] = progress.Repaired, ["batches"] = progress.Batches });
        }

        var remaining = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
        return TypedResults.Ok(new RepairReport(DryRun: false, progress.Repaired, progress.Batches, body.BatchSize, progress.Complete, remaining));
    }
}
