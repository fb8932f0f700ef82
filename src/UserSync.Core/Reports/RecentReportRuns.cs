using Dapper;
using Npgsql;

namespace UserSync.Core.Reports;

/// <summary>
/// The runs of the last <see cref="Horizon"/>, parsed once and held, so that the dashboard's polls
/// build the month's report and the history's incidents without reading every run of the period
/// again (at a 10-minute incremental schedule 90 days are about 13,000 runs and 6.5 MB of checks).
/// Each read asks only for the runs recorded since the newest one held
/// (user_sync.get_report_runs_since), with an <see cref="Overlap"/>: a run's time is its
/// transaction's start, so a run may commit after a later one; runs already held are dropped by id.
/// What is held stays true because a run's report fields are never updated and runs are not
/// deleted. A period that starts before what is held is read whole by <see cref="ReportReader"/>.
/// </summary>
/// <remarks>
/// A period's runs are cut from what is held as get_report_runs cuts them (<see cref="Slice"/>),
/// so the report is the one the direct read gives (tested against it). The held window is a
/// get_report_runs of the horizon, so an incident already open there is held from its start.
/// </remarks>
public sealed class RecentReportRuns(TimeProvider clock) : IDisposable
{
    /// <summary>The history's longest window (90 days) and a margin.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(92);

    /// <summary>How far before the newest held run each read starts.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(10);

    /// <summary>After this much time the held window moves (a fresh load from the new horizon).</summary>
    public static readonly TimeSpan Reload = TimeSpan.FromDays(1);

    private const int PageRows = 5000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Held? _held;

    /// <summary>The held runs before <paramref name="period"/>'s end, after reading the new ones; null when the period starts before the held window.</summary>
    public async Task<IReadOnlyList<ReportRun>?> RunsForAsync(NpgsqlConnection connection, ReportPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var now = clock.GetUtcNow();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_held is null || now - _held.LoadedAt > Reload)
            {
                _held = await LoadAsync(connection, now, cancellationToken);
            }
            else
            {
                _held = await AddNewAsync(connection, _held, cancellationToken);
            }

            var held = _held;
            if (period.From < held.From)
            {
                return null;
            }

            return Slice(held.Runs, period);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What get_report_runs(from, to) returns, from the held runs: the runs of the period, and
    /// before them the last earlier run and, for each check failing in it, every run since that
    /// check last passed (from the first held run when it did not pass since).
    /// </summary>
    private static List<ReportRun> Slice(List<HeldRun> runs, ReportPeriod period)
    {
        var end = runs.FindIndex(r => r.Run.CheckedAt >= period.To) is var e && e < 0 ? runs.Count : e;
        var first = runs.FindIndex(0, end, r => r.Run.CheckedAt >= period.From) is var f && f < 0 ? end : f;
        var start = first;
        if (first > 0)
        {
            start = first - 1;
            var open = runs[start].Run.Checks.Where(c => !c.Passed).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = start - 1; i >= 0 && open.Count > 0; i--)
            {
                foreach (var check in runs[i].Run.Checks)
                {
                    if (check.Passed && open.Remove(check.Name))
                    {
                        start = i;
                    }
                }
            }

            if (open.Count > 0)
            {
                start = 0;
            }
        }

        return runs.GetRange(start, end - start).ConvertAll(r => r.Run);
    }

    private static async Task<Held> LoadAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = now - Horizon;
        var rows = await connection.QueryAsync<ReportReader.RunRow>(new CommandDefinition(
            $"select id, {ReportReader.RunColumns} from user_sync.get_report_runs(@from, @to)",
            new { from = from.UtcDateTime, to = from.AddDays(ReportPeriod.MaxDays).UtcDateTime }, cancellationToken: cancellationToken));
        var runs = rows.Select(r => new HeldRun(r.id, r.ToRun())).ToList();
        return new Held(from, now, runs, runs.Select(r => r.Run.RunId).ToHashSet());
    }

    private static async Task<Held> AddNewAsync(NpgsqlConnection connection, Held held, CancellationToken cancellationToken)
    {
        var since = held.Runs.Count > 0 ? held.Runs[^1].Run.CheckedAt - Overlap : held.From;
        var added = new List<HeldRun>();
        var addedIds = new HashSet<Guid>();
        while (true)
        {
            var page = (await connection.QueryAsync<ReportReader.RunRow>(new CommandDefinition(
                $"select id, {ReportReader.RunColumns} from user_sync.get_report_runs_since(@since, @rows)",
                new { since = since.UtcDateTime, rows = PageRows }, cancellationToken: cancellationToken))).ToList();
            foreach (var row in page.Where(r => !held.Ids.Contains(r.run_id) && addedIds.Add(r.run_id)))
            {
                added.Add(new HeldRun(row.id, row.ToRun()));
            }

            var last = page.Count > 0 ? ReportReader.Utc(page[^1].checked_at) : since;
            if (page.Count < PageRows || last == since)
            {
                // A full page of one instant cannot be paged by time: the next read starts after it.
                break;
            }

            since = last;
        }

        if (added.Count == 0)
        {
            return held;
        }

        // Only now, when the reads succeeded: a failed read leaves what is held as it was.
        held.Ids.UnionWith(addedIds);
        var runs = held.Runs.Concat(added).OrderBy(r => r.Run.CheckedAt).ThenBy(r => r.Id).ToList();
        return held with { Runs = runs };
    }

    public void Dispose() => _gate.Dispose();

    private sealed record HeldRun(long Id, ReportRun Run);

    /// <summary>Runs in (checked_at, id) order, as get_report_runs returns them; <see cref="Ids"/> is only touched under the gate.</summary>
    private sealed record Held(DateTimeOffset From, DateTimeOffset LoadedAt, List<HeldRun> Runs, HashSet<Guid> Ids);
}
