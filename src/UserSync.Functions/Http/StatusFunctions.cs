using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Store;

namespace UserSync.Functions.Http;

/// <summary>
/// The read-only functions for admin tooling (function key, checked by the host before the worker
/// sees the call): the latest run, live counts, the run history, the masked ghost list and the
/// cleanup audit log.
/// </summary>
public sealed class StatusFunctions(IUserSyncStore store)
{
    public const int MaxHistoryDays = 365;
    public const int MaxGhostPage = 1000;
    public const int MaxAuditPage = 1000;

    [Function("GetStatus")]
    public async Task<Results<Ok<MonitoringRun>, ProblemHttpResult>> GetStatusAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Status)] HttpRequest request, CancellationToken cancellationToken) =>
        await store.GetLatestRunAsync(cancellationToken) is { } run
            ? TypedResults.Ok(run)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No check has been recorded yet",
                detail: "Run POST /api/user-sync/checks/run or wait for DailyCheck.");

    [Function("GetStats")]
    public async Task<Ok<SyncStats>> GetStatsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Stats)] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetStatsAsync(cancellationToken));

    [Function("GetHistory")]
    public async Task<Results<Ok<HistoryPage>, ValidationProblem>> GetHistoryAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.History)] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!QueryInt.TryRead(request.Query, "days", 30, 1, MaxHistoryDays, out var days, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(new HistoryPage(days, await store.GetHistoryAsync(days, cancellationToken)));
    }

    [Function("GetGhosts")]
    public async Task<Results<Ok<GhostPage>, ValidationProblem>> GetGhostsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Ghosts)] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (page, problem) = await ReadGhostPageAsync(store.GetGhostsAsync, request.Query, cancellationToken);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    /// <summary>
    /// The masked ghost page limit and after ask for, or the problem naming the bad one: GET ghosts
    /// reads them live (<see cref="IUserSyncStore.GetGhostsAsync"/>), GET view/ghosts from the latest
    /// run's list (<see cref="UserSync.Core.Dashboard.DashboardReader.GetGhostsAsync"/>).
    /// </summary>
    public static async Task<(GhostPage? Page, ValidationProblem? Problem)> ReadGhostPageAsync(
        Func<int, Guid?, CancellationToken, Task<IReadOnlyList<GhostUser>>> read, IQueryCollection query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(query);
        if (!QueryInt.TryRead(query, "limit", 50, 1, MaxGhostPage, out var limit, out var problem))
        {
            return (null, problem);
        }

        Guid? after = null;
        if (query.TryGetValue("after", out var cursor))
        {
            if (cursor.Count != 1 || !GhostCursor.TryDecode(cursor[0], out var lastId))
            {
                return (null, Problems.Invalid("after", "must be the nextCursor of a previous page"));
            }

            after = lastId;
        }

        var page = await read(limit, after, cancellationToken);
        return (new GhostPage(
            page.Select(g => new MaskedGhost(PiiMasker.ShortenId(g.UserId), PiiMasker.MaskEmail(g.Email), g.CreatedAt)).ToList(),
            page.Count == limit ? GhostCursor.Encode(page[^1].UserId) : null,
            Masked: true), null);
    }

    [Function("GetAudit")]
    public async Task<Results<Ok<CleanupAuditPage>, ValidationProblem>> GetAuditAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Audit)] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (page, problem) = await ReadAuditPageAsync(store, request.Query, cancellationToken);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    /// <summary>The audit page limit and before ask for (GET audit and GET view/audit), or the problem naming the bad one.</summary>
    public static async Task<(CleanupAuditPage? Page, ValidationProblem? Problem)> ReadAuditPageAsync(IUserSyncStore store, IQueryCollection query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        if (!QueryInt.TryRead(query, "limit", 50, 1, MaxAuditPage, out var limit, out var problem))
        {
            return (null, problem);
        }

        long? before = null;
        if (query.TryGetValue("before", out var raw))
        {
            if (raw.Count != 1 || !long.TryParse(raw[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return (null, Problems.Invalid("before", "must be a positive audit id (the nextBefore of a previous page)"));
            }

            before = id;
        }

        return (CleanupAuditPage.From(await store.GetCleanupAuditAsync(limit, before, cancellationToken), limit), null);
    }
}
