using UserSync.Core.Runs;

namespace UserSync.Core.Store;

/// <summary>
/// What a repair loop did: rows repaired, batches that repaired something, whether it ran until no
/// ghost was left, and, when the database failed under it, why it stopped (the batches before are
/// committed and audited; running the repair again continues).
/// </summary>
public sealed record GhostRepairProgress(long Repaired, int Batches, bool Complete, string? StoppedBy = null);

/// <summary>
/// The operator's repair loop: one <see cref="IUserSyncStore.RepairBatchAsync"/> per transaction,
/// each resuming after the last id the previous batch repaired, until a batch repairs nothing.
/// Resuming matters for speed: a batch that searched from the start of the key space would walk
/// past every ghost already repaired (bench/run.sh, section 3).
/// </summary>
public static class GhostRepair
{
    /// <param name="store">The store to repair through.</param>
    /// <param name="batchSize">Ghosts per batch (1..100,000).</param>
    /// <param name="requestedBy">Who asked, written to every batch's audit row (see <see cref="IUserSyncStore.RepairBatchAsync"/>).</param>
    /// <param name="mayStartBatch">Asked before every batch; false stops the loop early (a time budget), leaving <see cref="GhostRepairProgress.Complete"/> false.</param>
    /// <param name="onBatch">Called after every repairing batch with the progress so far.</param>
    /// <param name="cancellationToken">Stops between or inside batches; a batch is one transaction, so nothing is half-written.</param>
    /// <returns>The progress; a database failure mid-loop is returned in <see cref="GhostRepairProgress.StoppedBy"/>, not thrown, so the caller can say how far it got.</returns>
    public static async Task<GhostRepairProgress> RepairAllAsync(
        IUserSyncStore store,
        int batchSize,
        string? requestedBy,
        Func<bool>? mayStartBatch,
        Action<GhostRepairProgress>? onBatch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var progress = new GhostRepairProgress(0, 0, Complete: false);
        Guid? after = null;
        while (mayStartBatch?.Invoke() ?? true)
        {
            IReadOnlyList<Checks.RepairedUser> batch;
            try
            {
                batch = await store.RepairBatchAsync(batchSize, dryRun: false, after, requestedBy, cancellationToken);
            }
            catch (Exception ex) when (DatabaseFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
            {
                return progress with { StoppedBy = DatabaseFailure.Describe(ex) };
            }

            if (batch.Count == 0)
            {
                return progress with { Complete = true };
            }

            // The rows come in id order; the next batch starts after the last one.
            after = batch[^1].UserId;
            progress = progress with { Repaired = progress.Repaired + batch.Count, Batches = progress.Batches + 1 };
            onBatch?.Invoke(progress);
        }

        return progress;
    }
}
