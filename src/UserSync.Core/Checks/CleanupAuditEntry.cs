namespace UserSync.Core.Checks;

/// <summary>
/// One row of user_sync.cleanup_audit_log: who (the login, and the client's application_name) did
/// which repair action when, to how many users and which. Holds ids only, never an email.
/// </summary>
public sealed record CleanupAuditEntry(
    long Id,
    string Action,
    DateTimeOffset PerformedAt,
    string PerformedBy,
    string Application,
    int AffectedCount,
    IReadOnlyList<Guid> AffectedIds,
    int? BatchSize);
