using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using UserSync.Core.Dashboard;
using UserSync.Core.Reports;
using UserSync.Core.Store;
using UserSync.Functions.Http;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// The GETs the dashboard page polls (docs/dashboard-api.md). Anonymous at the host: the worker
/// checks the principal (<see cref="DashboardAccess"/>). Every answer has an ETag; If-None-Match
/// equal to it is a 304 without a body. Summary, history and report take their tag from one tiny
/// statement (user_sync.get_dashboard_version) and read nothing more on a 304; the others from
/// the body they read. None of them scans the users tables: the ghost page reads the latest run's
/// list and looks its ids up by primary key.
/// </summary>
public sealed class DashboardViewFunctions(
    DashboardAccess access,
    DashboardReader reader,
    DashboardSummaries summaries,
    IUserSyncStore store,
    SuccessReports reports,
    PoisonQueueSummary poison,
    IOptions<JsonOptions> json,
    TimeProvider clock)
{
    public const string LocalNote = "Local run: no sign-in (loopback only)";
    public const int MaxAlerts = 200;
    public static readonly IReadOnlyList<int> HistoryDays = [7, 30, 90];

    [Function("DashboardMe")]
    public IResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewMe)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = access.Identify(request, out _);
        var me = caller switch
        {
            null when access.Mode == DashboardAuthentication.Off =>
                new MeView("off", SignedIn: false, null, [], CanAct: false, access.AdminRole, DashboardAccess.OffNote, null),
            null => new MeView("appService", SignedIn: false, null, [], CanAct: false, access.AdminRole, null, DashboardAccess.LoginPath),
            { Mode: DashboardAuthentication.None } => new MeView("local", SignedIn: false, null, [], CanAct: true, access.AdminRole, LocalNote, null),
            _ => new MeView("appService", SignedIn: true, new MeUser(caller.Principal!.UserId, caller.MaskedName), caller.Principal.Roles,
                caller.CanAct, access.AdminRole, null, null),
        };
        return BodyTagged(request, me);
    }

    [Function("DashboardSummary")]
    public async Task<IResult> SummaryAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewSummary)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        var etag = await VersionTagAsync("summary", cancellationToken);
        return await ETags.AnswerAsync(request, etag, async () => TypedResults.Ok(await summaries.BuildAsync(cancellationToken)));
    }

    [Function("DashboardHistory")]
    public async Task<IResult> HistoryAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewHistory)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        var days = 30;
        if (request.Query.TryGetValue("days", out var raw)
            && (raw.Count != 1 || !int.TryParse(raw[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out days)
                || !HistoryDays.Contains(days)))
        {
            return Problems.Invalid("days", "must be 7, 30 or 90");
        }

        var etag = await VersionTagAsync("history:" + days, cancellationToken);
        return await ETags.AnswerAsync(request, etag, async () =>
        {
            var runs = await reader.GetHistoryAsync(days, cancellationToken);
            var incidents = await reports.IncidentSpansAsync(ReportPeriod.LastDays(days, clock.GetUtcNow()), cancellationToken);
            return TypedResults.Ok(new HistoryView(days,
                runs.Reverse().Select(r => new HistoryRunView(r.RunId, r.CheckedAt, r.Status.ToString().ToLowerInvariant(), r.Source, r.RequestedBy,
                    r.AuthUsers, r.Profiles, r.GhostUsers, r.OrphanedProfiles, r.CountDifference, r.DurationMs)).ToList(),
                incidents.Select(i => new IncidentView(i.Check, i.Severity, i.StartedAt, i.ResolvedAt)).ToList()));
        });
    }

    [Function("DashboardAlerts")]
    public async Task<IResult> AlertsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewAlerts)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        if (!QueryInt.TryRead(request.Query, "limit", 50, 1, MaxAlerts, out var limit, out var problem))
        {
            return problem!;
        }

        var deliveries = await reader.GetDeliveriesAsync(limit, cancellationToken);
        return BodyTagged(request, new AlertsView(
            deliveries.Select(d => new DeliveryView(d.AlertId, d.Check, d.Status, d.Receiver, d.Channel, d.Outcome, d.Attempts, d.At)).ToList(),
            await poison.ReadAsync(cancellationToken)));
    }

    [Function("DashboardGhosts")]
    public async Task<IResult> GhostsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewGhosts)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        var (page, problem) = await StatusFunctions.ReadGhostPageAsync(reader.GetGhostsAsync, request.Query, cancellationToken);
        return page is null ? problem! : BodyTagged(request, page);
    }

    [Function("DashboardAudit")]
    public async Task<IResult> AuditAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewAudit)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        var (page, problem) = await StatusFunctions.ReadAuditPageAsync(store, request.Query, cancellationToken);
        return page is null ? problem! : BodyTagged(request, page);
    }

    [Function("DashboardReport")]
    public async Task<IResult> ReportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ViewReport)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!access.TryAuthorize(request, act: false, out _, out var denied))
        {
            return denied!;
        }

        if (!ReportFunction.TryReadPeriod(request.Query, clock.GetUtcNow(), out var period, out var problem))
        {
            return problem!;
        }

        var etag = await VersionTagAsync($"report:{period!.From:O}/{period.To:O}", cancellationToken);
        return await ETags.AnswerAsync(request, etag, async () => TypedResults.Ok(await reports.BuildAsync(period, cancellationToken)));
    }

    /// <summary>
    /// The tag of an answer built from recorded data: what was recorded (the change mark) and the
    /// minute, since stale flags, next runs and a running month's figures move with the clock.
    /// </summary>
    private async Task<string> VersionTagAsync(string what, CancellationToken cancellationToken) =>
        ETags.For(what, (await reader.GetVersionAsync(cancellationToken)).Mark, ETags.Minute(clock.GetUtcNow()));

    private ETags.Tagged BodyTagged<T>(HttpRequest request, T body)
    {
        var etag = ETags.ForBody(JsonSerializer.SerializeToUtf8Bytes(body, json.Value.SerializerOptions));
        return ETags.Matches(request, etag)
            ? new ETags.Tagged(TypedResults.StatusCode(StatusCodes.Status304NotModified), etag)
            : new ETags.Tagged(TypedResults.Ok(body), etag);
    }
}
