namespace JindoMeta.Raft;

/// <summary>The closed set of outcomes a raft storage read can have. Anything else (I/O failure, corruption)
/// is an exception: the node cannot continue safely and must stop.</summary>
public enum StorageStatus : byte
{
    Ok = 0,
    /// <summary>The requested index is below the first retained index: it was compacted into a snapshot.</summary>
    Compacted = 1,
    /// <summary>The requested index is above the last stored index.</summary>
    Unavailable = 2,
    /// <summary>A snapshot is being produced; ask again later (the leader retries on the next heartbeat).</summary>
    SnapshotTemporarilyUnavailable = 3,
}

/// <summary>What a node finds in its storage when it starts.</summary>
public readonly record struct RaftInitialState(HardState HardState, IReadOnlyList<ulong> Voters);
