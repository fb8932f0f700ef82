namespace UserSync.Functions.Http;

/// <summary>A ghost as the HTTP list shows it: a shortened id and a masked email, never the person's data.</summary>
public sealed record MaskedGhost(string UserId, string Email, DateTimeOffset? CreatedAt);
