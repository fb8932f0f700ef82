namespace UserSync.Core.Checks;

/// <summary>The overall verdict of one check run (docs/architecture.md, "The database contract").</summary>
public enum SyncStatus
{
    Healthy,
    Degraded,
    Critical,
}
