namespace UserSync.Functions.Http;

/// <summary>A dry run: how many ghosts there are and the (masked) first batch an apply would repair.</summary>
public sealed record RepairPreview(bool DryRun, long GhostUsers, int BatchSize, IReadOnlyList<RepairPreviewUser> FirstBatch);
