namespace UserSync.Core.Checks;

/// <summary>One check of one run: ghost_users, orphaned_profiles, count_parity or trigger_enabled.</summary>
public sealed record CheckResult(string Name, CheckSeverity Severity, bool Passed, string Observed, string Expected);
