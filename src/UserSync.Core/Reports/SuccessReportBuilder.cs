using UserSync.Core.Checks;

namespace UserSync.Core.Reports;

/// <summary>
/// Computes a <see cref="SuccessReport"/> from recorded facts. Pure (the clock comes in as
/// <c>now</c>), so every figure is tested on a month built by hand; docs/report.md says how each
/// is computed. Done here rather than in SQL because incidents are a walk over runs in order
/// (open on the first failing run, close on the first passing one) and every figure of an incident
/// joins three sources: as one plain loop it reads and tests far better than as window functions,
/// and the reads it needs are bounded by the period (one row per run and per audit and ledger row).
/// </summary>
public static class SuccessReportBuilder
{
    public const double MttdTargetMinutes = 24 * 60;
    public const double MttrTargetMinutes = 30;
    public const double FalsePositiveTarget = 0.05;

    /// <summary>Checks whose incidents a ghost repair can end: they count for repairs and the noise proxy.</summary>
    public static IReadOnlyList<string> RepairableChecks { get; } = [CheckNames.GhostUsers, CheckNames.CountParity];

    private static readonly string[] CheckOrder =
        [CheckNames.GhostUsers, CheckNames.OrphanedProfiles, CheckNames.CountParity, CheckNames.TriggerEnabled];

    public static SuccessReport Build(string environment, ReportPeriod period, DateTimeOffset now, ReportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(facts);
        var from = period.From;
        var to = period.To;
        var observedUntil = now < from ? from : now > to ? to : now;
        var runs = InTimeOrder(facts.Runs);
        var inPeriod = runs.Where(r => r.CheckedAt >= from && r.CheckedAt < to).ToList();
        var segments = Segments(runs, from, observedUntil);

        var periodRunIds = inPeriod.Select(r => r.RunId.ToString("N")).ToHashSet(StringComparer.Ordinal);
        var deliveries = facts.Deliveries
            .Where(d => periodRunIds.Contains(RunPart(d.AlertId)) || (d.DeliveredAt >= from && d.DeliveredAt < to))
            .ToList();
        var incidents = Incidents(runs, facts, from, observedUntil);

        var ghosts = Zero(inPeriod, r => r.GhostUsers);
        var orphans = Zero(inPeriod, r => r.OrphanedProfiles);
        var discrepancy = Zero(inPeriod, r => Math.Abs(r.CountDifference));
        var trigger = Trigger(inPeriod, segments);
        var ttd = Mean(incidents.Where(i => i.Check == CheckNames.GhostUsers && !i.StartedBeforePeriod)
            .Select(i => i.TimeToDetectMinutes), MttdTargetMinutes);
        var ttr = Mean(incidents.Where(i => i.ResolvedAt >= from && i.ResolvedAt < to).Select(i => i.TimeToResolveMinutes), MttrTargetMinutes);
        var noise = Noise(incidents, from, to);
        var audit = facts.Audit.Where(a => a.PerformedAt >= from && a.PerformedAt < to).ToList();
        var repairs = new RepairCounts(
            audit.Count(a => !a.IsSelfService && !a.IsAutomatic), audit.Where(a => !a.IsSelfService && !a.IsAutomatic).Sum(a => (long)a.AffectedCount),
            audit.Count(a => !a.IsSelfService && a.IsAutomatic), audit.Where(a => !a.IsSelfService && a.IsAutomatic).Sum(a => (long)a.AffectedCount),
            audit.Where(a => a.IsSelfService).Sum(a => a.AffectedCount));

        return new SuccessReport(
            environment,
            period.Label,
            from,
            to,
            now,
            observedUntil,
            Objectives(ghosts, orphans, discrepancy, trigger, ttd, ttr, noise),
            new RunCounts(inPeriod.Count,
                inPeriod.GroupBy(r => r.Source, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                inPeriod.Count > 0 ? inPeriod[0].CheckedAt : null,
                inPeriod.Count > 0 ? inPeriod[^1].CheckedAt : null),
            ghosts,
            orphans,
            discrepancy,
            trigger,
            Minutes(segments.Sum(s => s.Minutes * s.Run.GhostUsers)),
            ttd,
            ttr,
            noise,
            repairs,
            Deliveries(deliveries),
            incidents,
            Daily(period, inPeriod, segments));
    }

    /// <summary>Each run's state holds from its time until the next run, the last until <paramref name="until"/>; clipped to [from, until).</summary>
    private static List<Segment> Segments(List<ReportRun> runs, DateTimeOffset from, DateTimeOffset until)
    {
        var segments = new List<Segment>();
        for (var i = 0; i < runs.Count; i++)
        {
            var start = runs[i].CheckedAt < from ? from : runs[i].CheckedAt;
            var end = i + 1 < runs.Count && runs[i + 1].CheckedAt < until ? runs[i + 1].CheckedAt : until;
            if (end > start)
            {
                segments.Add(new Segment(start, end, runs[i]));
            }
        }

        return segments;
    }

    /// <summary>
    /// The incidents of <paramref name="period"/> as spans only (check, severity, start, end), from
    /// its runs alone: what the history chart marks. The same walk as <see cref="Build"/>'s
    /// incidents, without the figures that need the audit and the deliveries.
    /// </summary>
    public static IReadOnlyList<IncidentSpan> IncidentSpans(ReportPeriod period, IReadOnlyList<ReportRun> runs)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(runs);
        return PeriodStreaks(InTimeOrder(runs), period.From)
            .Select(s => new IncidentSpan(s.Name, s.Severity, s.Failing[0].CheckedAt, s.ResolvedAt)).ToList();
    }

    private static List<Incident> Incidents(List<ReportRun> runs, ReportFacts facts, DateTimeOffset from, DateTimeOffset observedUntil) =>
        PeriodStreaks(runs, from).Select(s => Incident(s.Name, s.Severity, s.Failing, s.ResolvedAt, facts, from, observedUntil)).ToList();

    /// <summary>
    /// The streaks that are the period's incidents, by start and then check: streaks that were over
    /// before the period began are context, not part of it.
    /// </summary>
    private static IEnumerable<(string Name, string Severity, List<ReportRun> Failing, DateTimeOffset? ResolvedAt)> PeriodStreaks(
        List<ReportRun> runs, DateTimeOffset from) =>
        Streaks(runs)
            .Where(s => s.ResolvedAt is null || s.ResolvedAt > from)
            .OrderBy(s => s.Failing[0].CheckedAt).ThenBy(s => Array.IndexOf(CheckOrder, s.Name));

    /// <summary>
    /// Per check, each run of failing runs in a row (open on the first failing run, closed by the
    /// first passing one), checks in report order, each check's streaks in time order. One pass
    /// over the runs and their checks (13,000 runs for the history's 90 days).
    /// </summary>
    private static List<(string Name, string Severity, List<ReportRun> Failing, DateTimeOffset? ResolvedAt)> Streaks(List<ReportRun> runs)
    {
        var perCheck = new Dictionary<string, CheckStreaks>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var checks = run.Checks;
            for (var i = 0; i < checks.Count; i++)
            {
                var check = checks[i];
                if (FirstIndexOf(checks, check.Name) != i)
                {
                    continue; // a run's first result for a check is the one that counts
                }

                if (!perCheck.TryGetValue(check.Name, out var streaks))
                {
                    perCheck[check.Name] = streaks = new CheckStreaks();
                }

                if (!check.Passed)
                {
                    streaks.Failing ??= [];
                    streaks.Failing.Add(run);
                    streaks.Severity = check.Severity.ToString().ToLowerInvariant();
                }
                else if (streaks.Failing is not null)
                {
                    streaks.Closed.Add((streaks.Severity, streaks.Failing, run.CheckedAt));
                    streaks.Failing = null;
                }
            }
        }

        var all = new List<(string, string, List<ReportRun>, DateTimeOffset?)>();
        foreach (var name in perCheck.Keys
                     .OrderBy(n => Array.IndexOf(CheckOrder, n) is var i && i < 0 ? int.MaxValue : i).ThenBy(n => n, StringComparer.Ordinal))
        {
            var streaks = perCheck[name];
            all.AddRange(streaks.Closed.Select(c => (name, c.Severity, c.Failing, (DateTimeOffset?)c.ResolvedAt)));
            if (streaks.Failing is not null)
            {
                all.Add((name, streaks.Severity, streaks.Failing, null));
            }
        }

        return all;
    }

    /// <summary>The runs by time (a stable sort), without sorting when they come in order, as the readers give them.</summary>
    private static List<ReportRun> InTimeOrder(IReadOnlyList<ReportRun> runs)
    {
        for (var i = 1; i < runs.Count; i++)
        {
            if (runs[i].CheckedAt < runs[i - 1].CheckedAt)
            {
                return runs.OrderBy(r => r.CheckedAt).ToList();
            }
        }

        return [.. runs];
    }

    private static int FirstIndexOf(IReadOnlyList<CheckResult> checks, string name)
    {
        for (var i = 0; i < checks.Count; i++)
        {
            if (string.Equals(checks[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class CheckStreaks
    {
        public List<ReportRun>? Failing { get; set; }

        public string Severity { get; set; } = "";

        public List<(string Severity, List<ReportRun> Failing, DateTimeOffset ResolvedAt)> Closed { get; } = [];
    }

    private static Incident Incident(string name, string severity, List<ReportRun> failing, DateTimeOffset? resolvedAt, ReportFacts facts,
        DateTimeOffset from, DateTimeOffset observedUntil)
    {
        var first = failing[0];
        var startedAt = first.CheckedAt;
        var ghost = name == CheckNames.GhostUsers;
        var repairable = RepairableChecks.Contains(name);
        DateTimeOffset? oldest = ghost ? first.OldestGhostCreatedAt : null;
        double? ttd = oldest is { } created ? Minutes(Math.Max(0, (startedAt - created).TotalMinutes)) : null;

        var windowEnd = resolvedAt ?? observedUntil;
        var repairs = repairable
            ? facts.Audit.Where(a => a.PerformedAt >= startedAt && a.PerformedAt <= windowEnd).ToList()
            : [];
        var runIds = failing.Select(r => r.RunId.ToString("N")).ToHashSet(StringComparer.Ordinal);
        var delivered = facts.Deliveries
            .Where(d => d.Delivered && d.Check == name && d.AlertStatus == "firing" && runIds.Contains(RunPart(d.AlertId)))
            .Select(d => d.AlertId).Distinct(StringComparer.Ordinal).Count();

        return new Incident(
            name,
            severity,
            startedAt,
            resolvedAt,
            startedAt < from,
            failing.Count,
            failing.Max(r => r.GhostUsers),
            oldest,
            ttd,
            resolvedAt is { } end ? Minutes((end - startedAt).TotalMinutes) : null,
            repairs.Count(a => !a.IsSelfService && !a.IsAutomatic),
            repairs.Count(a => !a.IsSelfService && a.IsAutomatic),
            repairs.Sum(a => (long)a.AffectedCount),
            repairable && resolvedAt is not null ? repairs.Count == 0 : null,
            delivered);
    }

    private static ZeroTarget Zero(List<ReportRun> runs, Func<ReportRun, long> value)
    {
        var atZero = runs.Count(r => value(r) == 0);
        return new ZeroTarget(runs.Count, atZero, runs.Count > 0 ? Share(atZero, runs.Count) : null, runs.Count > 0 ? runs.Max(value) : 0);
    }

    private static TriggerUptime Trigger(List<ReportRun> inPeriod, List<Segment> segments)
    {
        var observed = segments.Sum(s => s.Minutes);
        var enabled = segments.Where(s => s.Run.TriggerEnabled).Sum(s => s.Minutes);
        return new TriggerUptime(
            observed > 0 ? Math.Round(enabled / observed, 6) : null,
            Minutes(observed),
            Minutes(enabled),
            inPeriod.Count,
            inPeriod.Count(r => r.TriggerEnabled),
            inPeriod.Select(r => r.TriggerState).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
    }

    private static MeanTime Mean(IEnumerable<double?> values, double target)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (known.Count == 0)
        {
            return new MeanTime(0, null, null, target, null);
        }

        var mean = Minutes(known.Average());
        return new MeanTime(known.Count, mean, known.Max(), target, mean < target);
    }

    private static FalsePositives Noise(List<Incident> incidents, DateTimeOffset from, DateTimeOffset to)
    {
        var resolved = incidents.Where(i => i.ResolvedWithoutRepair is not null && i.ResolvedAt >= from && i.ResolvedAt < to).ToList();
        var without = resolved.Count(i => i.ResolvedWithoutRepair == true);
        double? rate = resolved.Count > 0 ? Share(without, resolved.Count) : null;
        return new FalsePositives(resolved.Count, without, rate, FalsePositiveTarget, rate is { } r ? r < FalsePositiveTarget : null);
    }

    private static DeliveryCounts Deliveries(List<ReportDeliveryRow> rows) => new(
        rows.Select(d => d.AlertId).Distinct(StringComparer.Ordinal).Count(),
        rows.Where(d => d.AlertStatus == "firing").Select(d => d.AlertId).Distinct(StringComparer.Ordinal).Count(),
        rows.Where(d => d.AlertStatus == "resolved").Select(d => d.AlertId).Distinct(StringComparer.Ordinal).Count(),
        rows.GroupBy(d => d.Channel, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChannelDeliveries(g.Key, g.Count(d => d.Delivered), g.Count(d => !d.Delivered), g.Count(d => d.Attempts > 1)))
            .ToList());

    /// <summary>
    /// One point a day. Runs and segments are in time order and segments do not overlap, so one
    /// forward pass over each serves every day (90 days of 10-minute runs: 13,000 of each).
    /// </summary>
    private static List<DailyPoint> Daily(ReportPeriod period, List<ReportRun> inPeriod, List<Segment> segments)
    {
        var days = new List<DailyPoint>();
        int firstRun = 0, firstSegment = 0;
        for (var day = new DateTimeOffset(period.From.UtcDateTime.Date, TimeSpan.Zero); day < period.To; day = day.AddDays(1))
        {
            var start = day < period.From ? period.From : day;
            var end = day.AddDays(1) > period.To ? period.To : day.AddDays(1);
            while (firstRun < inPeriod.Count && inPeriod[firstRun].CheckedAt < start)
            {
                firstRun++;
            }

            int runs = 0;
            long maxGhosts = 0, maxOrphans = 0;
            for (var i = firstRun; i < inPeriod.Count && inPeriod[i].CheckedAt < end; i++)
            {
                runs++;
                maxGhosts = Math.Max(maxGhosts, inPeriod[i].GhostUsers);
                maxOrphans = Math.Max(maxOrphans, inPeriod[i].OrphanedProfiles);
            }

            while (firstSegment < segments.Count && segments[firstSegment].End <= start)
            {
                firstSegment++;
            }

            double observed = 0, enabled = 0, ghostMinutes = 0;
            for (var i = firstSegment; i < segments.Count && segments[i].Start < end; i++)
            {
                var minutes = segments[i].MinutesWithin(start, end);
                if (minutes > 0)
                {
                    observed += minutes;
                    enabled += segments[i].Run.TriggerEnabled ? minutes : 0;
                    ghostMinutes += minutes * segments[i].Run.GhostUsers;
                }
            }

            days.Add(new DailyPoint(
                DateOnly.FromDateTime(day.UtcDateTime),
                runs,
                maxGhosts,
                maxOrphans,
                observed > 0 ? Math.Round(enabled / observed, 6) : null,
                Minutes(ghostMinutes)));
        }

        return days;
    }

    private static List<Objective> Objectives(ZeroTarget ghosts, ZeroTarget orphans, ZeroTarget discrepancy, TriggerUptime trigger,
        MeanTime ttd, MeanTime ttr, FalsePositives noise) =>
    [
        ZeroObjective("ghosts", "Ghost users", ghosts),
        ZeroObjective("orphans", "Orphaned profiles", orphans),
        ZeroObjective("discrepancy", "Sync discrepancy (auth users minus profiles)", discrepancy),
        new("trigger_uptime", "Trigger uptime", "100 %",
            trigger.Uptime is { } up ? $"{ReportFormat.Percent(up)} of {ReportFormat.Duration(trigger.ObservedMinutes)} observed" : "not observed",
            trigger.Uptime is { } u ? u >= 1 : null),
        TimeObjective("mttd", "Mean time to detect", "< 24 h", ttd, "no ghost incident began"),
        TimeObjective("mttr", "Mean time to resolve", "< 30 min", ttr, "no incident resolved"),
        new("false_positive_rate", "False-positive rate (alerts resolved without a repair)", $"< {ReportFormat.Percent(FalsePositiveTarget)}",
            noise.Rate is { } rate
                ? $"{ReportFormat.Percent(rate)} ({noise.ResolvedWithoutRepair} of {noise.Resolved} resolved ghost and count incidents)"
                : "no ghost or count incident resolved",
            noise.Met),
    ];

    private static Objective ZeroObjective(string key, string name, ZeroTarget zero) => new(
        key, name, "0 always",
        zero.Runs == 0 ? "no run"
        : zero.MaxSeen == 0 ? $"0 in all {zero.Runs} runs"
        : $"max {zero.MaxSeen}; 0 in {zero.RunsAtZero} of {zero.Runs} runs ({ReportFormat.Percent(zero.ShareAtZero!.Value)})",
        zero.Runs == 0 ? null : zero.MaxSeen == 0);

    private static Objective TimeObjective(string key, string name, string target, MeanTime time, string none) => new(
        key, name, target,
        time.MeanMinutes is { } mean
            ? $"{ReportFormat.Duration(mean)} over {time.Incidents} incident{(time.Incidents == 1 ? "" : "s")} (max {ReportFormat.Duration(time.MaxMinutes!.Value)})"
            : none,
        time.Met);

    private static string RunPart(string alertId) => alertId.Split(':', 2)[0];

    private static double Share(int part, int whole) => Math.Round((double)part / whole, 6);

    private static double Minutes(double minutes) => Math.Round(minutes, 2);

    private sealed record Segment(DateTimeOffset Start, DateTimeOffset End, ReportRun Run)
    {
        public double Minutes => (End - Start).TotalMinutes;

        /// <summary>The minutes of this segment inside [from, to) (0 when it is outside).</summary>
        public double MinutesWithin(DateTimeOffset from, DateTimeOffset to)
        {
            var start = Start < from ? from : Start;
            var end = End > to ? to : End;
            return end > start ? (end - start).TotalMinutes : 0;
        }
    }
}
