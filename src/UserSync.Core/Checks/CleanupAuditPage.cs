using UserSync.Core.Alerts;

namespace UserSync.Core.Checks;

/// <summary>
/// One page of the cleanup audit log as the CLI (`usersync audit --json`) and the HTTP API
/// (GET /api/user-sync/audit) show it: user ids shortened, <see cref="NextBefore"/> the id to pass
/// as `before` for the next (older) page, null at the end of the log.
/// </summary>
public sealed record CleanupAuditPage(IReadOnlyList<CleanupAuditRow> Entries, long? NextBefore)
{
    /// <summary>The page for <paramref name="entries"/>, read with <paramref name="limit"/> rows per page.</summary>
    public static CleanupAuditPage From(IReadOnlyList<CleanupAuditEntry> entries, int limit)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new CleanupAuditPage(
            entries.Select(CleanupAuditRow.From).ToList(),
            entries.Count == limit && entries.Count > 0 ? entries[^1].Id : null);
    }
}

/// <summary>A <see cref="CleanupAuditEntry"/> with its user ids shortened (<see cref="PiiMasker.ShortenId"/>).</summary>
public sealed record CleanupAuditRow(
    long Id,
    string Action,
    DateTimeOffset PerformedAt,
    string PerformedBy,
    string Application,
    string? RequestedBy,
    int AffectedCount,
    IReadOnlyList<string> AffectedIds,
    int? BatchSize)
{
    public static CleanupAuditRow From(CleanupAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CleanupAuditRow(entry.Id, entry.Action, entry.PerformedAt, entry.PerformedBy, entry.Application,
            entry.RequestedBy, entry.AffectedCount, entry.AffectedIds.Select(PiiMasker.ShortenId).ToList(), entry.BatchSize);
    }
}
