using System.Globalization;
using System.Text.Json;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Runs;
using UserSync.Core.Store;
using Microsoft.Extensions.Options;

namespace UserSync.Functions.Http;

/// <summary>
/// The proxied HTTP functions under /api/user-sync/ for admin tooling. Keys are checked by the
/// Functions host before a request reaches here. JSON is camelCase; every error is RFC 9457
/// problem+json naming the bad field, and a rejected request records and changes nothing.
/// </summary>
public static class AdminApi
{
    public const int MaxHistoryDays = 365;
    public const int MaxGhostPage = 1000;
    public const int MaxRepairBatch = 100_000;

    /// <summary>An apply stops starting new batches after this long, so a request ends well inside functionTimeout.</summary>
    public static readonly TimeSpan RepairBudget = TimeSpan.FromSeconds(60);

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/user-sync");
        api.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        api.MapGet("/status", GetStatusAsync);
        api.MapGet("/stats", async (IUserSyncStore store, CancellationToken ct) => Results.Ok(await store.GetStatsAsync(ct)));
        api.MapGet("/history", GetHistoryAsync);
        api.MapGet("/ghosts", GetGhostsAsync);
        api.MapPost("/checks/run", RunChecksAsync);
        api.MapPost("/repair", RepairAsync);
    }

    private static async Task<IResult> GetStatusAsync(IUserSyncStore store, CancellationToken cancellationToken) =>
        await store.GetLatestRunAsync(cancellationToken) is { } run
            ? Results.Ok(run)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No check has been recorded yet",
                detail: "Run POST /api/user-sync/checks/run or wait for DailyCheck.");

    private static async Task<IResult> GetHistoryAsync(HttpRequest request, IUserSyncStore store, CancellationToken cancellationToken)
    {
        if (!TryInt(request, "days", 30, 1, MaxHistoryDays, out var days, out var problem))
        {
            return problem;
        }

        return Results.Ok(new { days, runs = await store.GetHistoryAsync(days, cancellationToken) });
    }

    private static async Task<IResult> GetGhostsAsync(HttpRequest request, IUserSyncStore store, CancellationToken cancellationToken)
    {
        if (!TryInt(request, "limit", 50, 1, MaxGhostPage, out var limit, out var problem))
        {
            return problem;
        }

        Guid? after = null;
        if (request.Query.TryGetValue("after", out var cursor))
        {
            if (!GhostCursor.TryDecode(cursor.ToString(), out var lastId))
            {
                return Invalid("after", "must be the nextCursor of a previous page");
            }

            after = lastId;
        }

        var page = await store.GetGhostsAsync(limit, after, cancellationToken);
        return Results.Ok(new
        {
            ghosts = page.Select(g => new { userId = PiiMasker.ShortenId(g.UserId), email = PiiMasker.MaskEmail(g.Email), createdAt = g.CreatedAt }),
            nextCursor = page.Count == limit ? GhostCursor.Encode(page[^1].UserId) : null,
            masked = true,
        });
    }

    private static async Task<IResult> RunChecksAsync(CheckRunner runner, CancellationToken cancellationToken)
    {
        var outcome = await runner.RunAsync(AlertSources.Http, cancellationToken);
        return outcome.Kind switch
        {
            CheckRunKind.AlreadyRunning => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "A check run is already in progress",
                detail: "Another run holds the lock; try again when it has finished."),
            CheckRunKind.CouldNotRun => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The checks could not run",
                detail: outcome.FailureReason),
            _ => Results.Ok(new { outcome = outcome.Kind, exitCode = outcome.ExitCode, run = outcome.Run, alerts = outcome.Alerts }),
        };
    }

    private static async Task<IResult> RepairAsync(HttpRequest request, IUserSyncStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var apply = false;
        var batchSize = 1000;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            JsonDocument body;
            try
            {
                body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                return Invalid("body", "must be a JSON object such as {\"apply\": true, \"batchSize\": 1000}");
            }

            using (body)
            {
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Invalid("body", "must be a JSON object such as {\"apply\": true, \"batchSize\": 1000}");
                }

                foreach (var property in body.RootElement.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "apply" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                            apply = property.Value.GetBoolean();
                            break;
                        case "apply":
                            return Invalid("apply", "must be true or false");
                        case "batchSize" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var size)
                                           && size is >= 1 and <= MaxRepairBatch:
                            batchSize = size;
                            break;
                        case "batchSize":
                            return Invalid("batchSize", $"must be an integer between 1 and {MaxRepairBatch}");
                        default:
                            return Invalid(property.Name, "is not a known field (apply, batchSize)");
                    }
                }
            }
        }

        if (!apply)
        {
            var preview = await store.RepairBatchAsync(batchSize, dryRun: true, after: null, cancellationToken);
            var stats = await store.GetStatsAsync(cancellationToken);
            return Results.Ok(new
            {
                dryRun = true,
                ghostUsers = stats.GhostUsers,
                batchSize,
                firstBatch = preview.Select(u => new { userId = PiiMasker.ShortenId(u.UserId), createdAt = u.CreatedAt }),
            });
        }

        var started = clock.GetTimestamp();
        var progress = await GhostRepair.RepairAllAsync(store, batchSize,
            mayStartBatch: () => clock.GetElapsedTime(started) < RepairBudget, onBatch: null, cancellationToken);

        var remaining = (await store.GetStatsAsync(cancellationToken)).GhostUsers;
        return Results.Ok(new { dryRun = false, repaired = progress.Repaired, batches = progress.Batches, batchSize, complete = progress.Complete, remainingGhostUsers = remaining });
    }

    private static bool TryInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out IResult problem)
    {
        problem = Results.Empty;
        value = fallback;
        if (!request.Query.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (raw.Count == 1 && int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = Invalid(name, $"must be an integer between {min} and {max}");
        return false;
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field} {message}."] },
            title: $"Invalid {field}", detail: $"{field} {message}.");
}
