namespace UserSync.Functions.Http;

public sealed record RepairPreviewUser(string UserId, DateTimeOffset? CreatedAt);
