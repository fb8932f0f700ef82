namespace UserSync.Core.Checks;

/// <summary>
/// One row of user_sync.cleanup_audit_log: who (the login, and the client's application_name) did
/// which repair action when, to how many users and which, and who asked for it when the caller said
/// (<see cref="RequestedBy"/>: "cli", "function-key", "auto-repair", an admin's object id; null for
/// rows written before it was recorded or by a direct SQL call). Holds ids only, never an email.
/// </summary>
public sealed record CleanupAuditEntry(
    long Id,
    string Action,
    DateTimeOffset PerformedAt,
    string PerformedBy,
    string Application,
    int AffectedCount,
    IReadOnlyList<Guid> AffectedIds,
    int? BatchSize,
    string? RequestedBy);
