namespace UserSync.Core.Checks;

/// <summary>
/// One row of user_sync.get_latest_check_states: a check's newest result among runs of the given
/// sources (what the channels last heard of it). An incremental run's passing ghost_users is not
/// such a result: it examined only the new auth users.
/// </summary>
public sealed record CheckState(string Check, bool Passed, DateTimeOffset CheckedAt, Guid RunId, string Source);
