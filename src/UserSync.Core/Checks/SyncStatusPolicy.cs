namespace UserSync.Core.Checks;

/// <summary>
/// critical if any critical check fails, degraded if only warnings fail, else healthy.
/// The SQL function user_sync.overall_status applies the same rule to the stored row; a test
/// holds the two to the same answer for every combination.
/// </summary>
public static class SyncStatusPolicy
{
    public static SyncStatus Decide(IEnumerable<CheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Any(c => c.Severity == CheckSeverity.Critical))
        {
            return SyncStatus.Critical;
        }

        return failed.Count > 0 ? SyncStatus.Degraded : SyncStatus.Healthy;
    }
}
