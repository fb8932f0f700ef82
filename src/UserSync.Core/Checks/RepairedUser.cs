namespace UserSync.Core.Checks;

/// <summary>One row of user_sync.repair_ghost_users: a ghost that was (or, in a dry run, would be) repaired.</summary>
public sealed record RepairedUser(Guid UserId, DateTimeOffset? CreatedAt, bool Repaired);
