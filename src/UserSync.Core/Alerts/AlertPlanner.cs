using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// Decides what a run must say: one firing message per failed check, one resolved message per
/// check that failed in the previous run and passes now. Pure, so every transition is unit-tested.
/// Repeat policy: a check that failed in the previous run too fires again (a new AlertId, so the
/// ledger lets it through; the same DedupKey, so PagerDuty keeps one incident) and carries its
/// failure streak ("still failing since ..., run N") from <c>streaks</c>.
/// </summary>
public sealed class AlertPlanner(string environment, string runbookUrl)
{
    public IReadOnlyList<AlertMessage> Plan(
        MonitoringRun current,
        MonitoringRun? previous,
        IReadOnlyDictionary<string, IReadOnlyList<string>> samples,
        IReadOnlyList<FailureStreak>? streaks = null) =>
        PlanAfter(current, previous?.Checks.Where(c => !c.Passed).Select(c => c.Name).ToHashSet() ?? [], samples, streaks);

    /// <summary>
    /// The same against the checks the channels last heard failing (<paramref name="failedBefore"/>).
    /// An incremental run (source "incremental", docs/incremental-check.md) fires what newly fails and
    /// resolves trigger_enabled, but never repeats a check already failing (the full runs do) and never
    /// resolves ghost_users: it examined only the new auth users, so only a full run can say the
    /// ghosts seen before are gone.
    /// </summary>
    public IReadOnlyList<AlertMessage> PlanAfter(
        MonitoringRun current,
        IReadOnlySet<string> failedBefore,
        IReadOnlyDictionary<string, IReadOnlyList<string>> samples,
        IReadOnlyList<FailureStreak>? streaks = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(failedBefore);
        ArgumentNullException.ThrowIfNull(samples);
        var incremental = current.Source == AlertSources.Incremental;
        var messages = new List<AlertMessage>();
        foreach (var check in current.Checks)
        {
            if (!check.Passed)
            {
                if (incremental && failedBefore.Contains(check.Name))
                {
                    continue;
                }

                var message = Message(check.Name, check.Severity, AlertStatus.Firing, check.Observed, check.Expected,
                    current.RunId, current.CheckedAt, samples.GetValueOrDefault(check.Name) ?? []);
                // Only a streak the previous compared run belongs to is a repeat: without it the
                // channels never heard of the earlier failures, so this is a first notification.
                var streak = streaks?.FirstOrDefault(s => s.Check == check.Name);
                if (failedBefore.Contains(check.Name) && streak is { FailingRuns: > 1 })
                {
                    message = message with { FailingSince = streak.FailingSince, FailingRuns = streak.FailingRuns };
                }

                messages.Add(message);
            }
            else if (failedBefore.Contains(check.Name) && !(incremental && check.Name == CheckNames.GhostUsers))
            {
                messages.Add(Message(check.Name, check.Severity, AlertStatus.Resolved, check.Observed, check.Expected,
                    current.RunId, current.CheckedAt, []));
            }
        }

        return messages;
    }

    /// <summary>
    /// What the channels have heard failing once <paramref name="run"/>'s messages are delivered:
    /// <paramref name="failedBefore"/> with the run's results applied (an incremental pass of
    /// ghost_users changes nothing, see <see cref="PlanAfter"/>).
    /// </summary>
    public static IReadOnlySet<string> FailingAfter(IReadOnlySet<string> failedBefore, MonitoringRun run)
    {
        ArgumentNullException.ThrowIfNull(failedBefore);
        ArgumentNullException.ThrowIfNull(run);
        var failing = new HashSet<string>(failedBefore, StringComparer.Ordinal);
        foreach (var check in run.Checks)
        {
            if (!check.Passed)
            {
                failing.Add(check.Name);
            }
            else if (!(run.Source == AlertSources.Incremental && check.Name == CheckNames.GhostUsers))
            {
                failing.Remove(check.Name);
            }
        }

        return failing;
    }

    /// <summary>The runbook section of a check: the runbook URL with the check's anchor (ghost_users: #ghost-users).</summary>
    public static string RunbookLink(string runbookUrl, string check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return $"{runbookUrl}#{check.Replace('_', '-')}";
    }

    /// <summary>The run could not happen at all (database unreachable, timeout): itself critical.</summary>
    public AlertMessage MonitorFailed(Guid runId, DateTimeOffset at, string reason) =>
        Message(CheckNames.MonitorFailed, CheckSeverity.Critical, AlertStatus.Firing, reason, "the check run completes",
            runId, at, []);

    private AlertMessage Message(string check, CheckSeverity severity, AlertStatus status, string observed, string expected,
        Guid runId, DateTimeOffset at, IReadOnlyList<string> samples) => new()
        {
            AlertId = $"{runId:N}:{check}:{status.ToString().ToLowerInvariant()}",
            Environment = environment,
            Check = check,
            Severity = severity,
            Status = status,
            Observed = observed,
            Expected = expected,
            Samples = samples,
            RunId = runId,
            DetectedAt = at,
            RunbookUrl = RunbookLink(runbookUrl, check),
            DedupKey = AlertMessage.DedupKeyFor(environment, check),
        };
}
