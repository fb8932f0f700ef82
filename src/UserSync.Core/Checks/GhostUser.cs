namespace UserSync.Core.Checks;

/// <summary>An auth.users row without a profile. Email is PII: mask it before it leaves the process.</summary>
public sealed record GhostUser(Guid UserId, string? Email, DateTimeOffset? CreatedAt);
