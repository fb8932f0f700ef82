namespace UserSync.Core.Checks;

/// <summary>The names the SQL checks report, plus the one the monitor raises when it cannot run them.</summary>
public static class CheckNames
{
    public const string GhostUsers = "ghost_users";
    public const string OrphanedProfiles = "orphaned_profiles";
    public const string CountParity = "count_parity";
    public const string TriggerEnabled = "trigger_enabled";
    public const string MonitorFailed = "monitor_failed";
}
