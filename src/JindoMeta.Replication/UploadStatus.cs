namespace JindoMeta.Replication;

/// <summary>What `jindo jfs -metaStatus` shows of an uploader.</summary>
/// <param name="Table">The replica table.</param>
/// <param name="State">STARTING (claiming or reading the checkpoint), SNAPSHOT (writing the initial rows), RUNNING, STOPPED (a conflict or an error no retry can fix).</param>
/// <param name="Checkpoint">Every feed entry up to this index is in Tablestore.</param>
/// <param name="LastIndex">The newest committed feed entry.</param>
/// <param name="LagSeconds">Age of the oldest committed entry not uploaded yet (0 when synced).</param>
/// <param name="LastError">The most recent failure, one line, secrets masked; null when none happened.</param>
public sealed record UploadStatus(string Table, string State, long Checkpoint, long LastIndex, double LagSeconds, string? LastError)
{
    /// <summary>Rows of the initial snapshot written so far (the last snapshot's total once it is done; 0 when the table was already there).</summary>
    public long SnapshotRows { get; init; }

    /// <summary>The store's row-count estimate when the snapshot began.</summary>
    public long SnapshotRowsEstimated { get; init; }

    public long LagEntries => Math.Max(0, LastIndex - Checkpoint);

    /// <summary>Everything committed is uploaded.</summary>
    public bool Synced => State == "RUNNING" && LagEntries == 0;
}
