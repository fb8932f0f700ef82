namespace UserSync.Core.Checks;

/// <summary>The overall verdict of one check run (DESIGN.md §3).</summary>
public enum SyncStatus
{
    Healthy,
    Degraded,
    Critical,
}
