namespace UserSync.Functions.Http;

/// <summary>What an apply did; <see cref="Complete"/> false means the time budget ran out first: call again.</summary>
public sealed record RepairReport(bool DryRun, long Repaired, int Batches, int BatchSize, bool Complete, long RemainingGhostUsers);
