namespace UserSync.Core.Checks;

/// <summary>user_sync.get_user_sync_stats(): both counts, ghosts, orphans and the trigger, measured in one pass.</summary>
public sealed record SyncStats(
    long AuthUsers,
    long Profiles,
    long GhostUsers,
    long OrphanedProfiles,
    long CountDifference,
    string TriggerState,
    bool TriggerEnabled,
    DateTimeOffset MeasuredAt);
