using JindoMeta.Namespace.Schema;

namespace JindoMeta.Namespace.Backend;

/// <summary>
/// What the async uploader needs of a backend that keeps its namespace locally (rocksdb; raft, where the leader
/// uploads): the committed change feed, a consistent snapshot of the replicated rows at a feed index (the start of a
/// replica, or of one enabled on a namespace that already has metadata), and the identity of the store, which a
/// replica table records so that a second cluster pointed at the same table is refused.
/// </summary>
public interface IReplicaSource
{
    IChangeFeed ChangeFeed { get; }

    /// <summary>
    /// A random id made once per store (hex); the same across restarts, different for another data directory (rocksdb)
    /// or another cluster (raft, where it is part of the replicated state and the same on every node).
    /// </summary>
    string StoreId { get; }

    /// <summary>The replicated rows (every dentry and the replicated meta rows) as of one committed feed index.</summary>
    IReplicaSnapshot OpenSnapshot();

    /// <summary>About how many rows a snapshot holds now (for progress; the storage engine's estimate).</summary>
    long EstimatedRows { get; }

    /// <summary>
    /// Set when the store was rebuilt by recovery mode: the replica it came from. Its uploader may then take the same
    /// table over from that store at that index instead of refusing it as another cluster's.
    /// </summary>
    ReplicaOrigin? RecoveredFrom { get; }
}

/// <summary>One consistent view of the replicated rows; dispose it to release the underlying storage snapshot.</summary>
public interface IReplicaSnapshot : IDisposable
{
    /// <summary>The feed index the rows are at: every entry up to it is in them, none after it.</summary>
    long ChangeIndex { get; }

    /// <summary>The rows (puts only), dentries in key order, then the replicated meta rows.</summary>
    IEnumerable<RowChange> Rows();
}
