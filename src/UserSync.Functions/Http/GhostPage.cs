namespace UserSync.Functions.Http;

/// <summary>One page of the ghost list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record GhostPage(IReadOnlyList<MaskedGhost> Ghosts, string? NextCursor, bool Masked);
