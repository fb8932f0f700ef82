using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Alerts.Tests.Http;

public static class SampleAlerts
{
    public static readonly Guid RunId = Guid.Parse("3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8");

    public static AlertMessage GhostUsers(
        AlertStatus status = AlertStatus.Firing,
        CheckSeverity severity = CheckSeverity.Critical,
        IReadOnlyList<string>? samples = null) => new()
        {
            AlertId = $"{RunId:N}:ghost_users:{status.ToString().ToLowerInvariant()}",
            Environment = "prod",
            Check = "ghost_users",
            Severity = severity,
            Status = status,
            Observed = status == AlertStatus.Firing ? "12" : "0",
            Expected = "0",
            Samples = samples ?? (status == AlertStatus.Firing ? ["9c1d2e3f j***@example.com"] : []),
            RunId = RunId,
            DetectedAt = new DateTimeOffset(2026, 11, 25, 14, 0, 5, TimeSpan.Zero),
            RunbookUrl = "https://example.com/docs/runbook.md#ghost-users",
            DedupKey = AlertMessage.DedupKeyFor("prod", "ghost_users"),
        };
}
