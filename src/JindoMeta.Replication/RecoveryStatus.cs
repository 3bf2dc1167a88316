namespace JindoMeta.Replication;

/// <summary>What `jindo jfs -metaStatus` shows of a recovery.</summary>
/// <param name="Table">The replica table read.</param>
/// <param name="State">STARTING (reading the checkpoint), LOADING, FINISH, FAILED (an error no retry can fix: the replica is missing, incomplete or changed),
/// STANDBY (raft: this node does not lead; the leader recovers, and this shows the replicated progress).</param>
/// <param name="RowsLoaded">Rows loaded into the local store so far.</param>
/// <param name="RowsEstimated">The replica writer's estimate of its row count (0: unknown).</param>
/// <param name="Checkpoint">The replica's checkpoint (feed index) being recovered; 0 before it was read.</param>
/// <param name="RangesLeft">Key ranges not read to their end yet.</param>
/// <param name="LastError">The most recent failure, one line, secrets masked; null when none happened.</param>
public sealed record RecoveryStatus(string Table, string State, long RowsLoaded, long RowsEstimated, long Checkpoint, int RangesLeft, string? LastError)
{
    /// <summary>Percent done by rows, below 100 until FINISH (the estimate may be off either way).</summary>
    public int Percent => State == "FINISH" ? 100
        : RowsEstimated <= 0 ? 0
        : (int)Math.Min(99, RowsLoaded * 100 / RowsEstimated);
}
