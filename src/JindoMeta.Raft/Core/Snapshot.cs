namespace JindoMeta.Raft;

/// <summary>Where a snapshot sits in the log and the configuration in force at that point.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, IReadOnlyList<ulong> Voters)
{
    public static SnapshotMetadata Empty { get; } = new(0, 0, []);
}

/// <summary>A state machine image covering the log up to and including <see cref="SnapshotMetadata.Index"/>.
/// The data is opaque to raft; it is produced and consumed by the state machine and kept by storage (in memory, or in
/// a file on disk: see <see cref="SnapshotData"/>).</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, SnapshotData Data)
{
    public static Snapshot Empty { get; } = new(SnapshotMetadata.Empty, SnapshotData.Empty);

    public ulong Index => Metadata.Index;

    public ulong Term => Metadata.Term;

    public bool IsEmpty => Metadata.Index == 0;
}
