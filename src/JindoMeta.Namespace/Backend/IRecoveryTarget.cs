using JindoMeta.Namespace.Schema;

namespace JindoMeta.Namespace.Backend;

/// <summary>Where a local store stands with respect to recovery mode.</summary>
public enum RecoveryStage
{
    /// <summary>A new store: the formatted root and nothing else. Recovery may begin.</summary>
    Empty,

    /// <summary>A recovery began and has not finished; <see cref="IRecoveryTarget.RecoveryProgress"/> says how far it got.</summary>
    Loading,

    /// <summary>A recovery finished and nothing was written since: <see cref="IReplicaSource.RecoveredFrom"/> is set.</summary>
    Finished,

    /// <summary>The store holds metadata of its own: recovering into it would merge two namespaces, so it is refused.</summary>
    Populated,
}

/// <summary>The replica a store was rebuilt from: its writer's store id and the feed index it stood at.</summary>
public sealed record ReplicaOrigin(string StoreId, long ChangeIndex);

/// <summary>How a recovery write ended.</summary>
public enum RecoveryWrite
{
    /// <summary>Written (raft: committed, and applied on this node).</summary>
    Written,

    /// <summary>
    /// This node does not lead the namespace (raft: it is not, or no longer, the leader): the recovery stops here and the
    /// node that leads next resumes it from <see cref="IRecoveryTarget.RecoveryProgress"/>. The write may still take
    /// effect (it was replicated before leadership moved); its rows and progress record then do so together.
    /// </summary>
    NotLeader,
}

/// <summary>
/// What recovery mode needs of a backend that keeps its namespace locally: a bulk load of replica rows, each load
/// written atomically with the recovery's own progress record (opaque here, so a crash resumes exactly where the
/// last load ended), and the switch that ends it. While a store is not <see cref="RecoveryStage.Finished"/> writes
/// are refused and reads see what is loaded so far.
/// </summary>
public interface IRecoveryTarget
{
    RecoveryStage RecoveryStage { get; }

    /// <summary>The progress record of the last <see cref="LoadRowsAsync"/>, null before the first.</summary>
    byte[]? RecoveryProgress { get; }

    /// <summary>
    /// Puts <paramref name="rows"/> (dentries and replicated meta rows) and the progress record in one write (raft: one
    /// replicated entry, so a new leader resumes from the same record). Calls come one at a time.
    /// </summary>
    /// <exception cref="InvalidDataException">The store holds metadata of its own, or its recovery already finished: nothing
    /// written (raft checks it as the entry applies; rocksdb refuses such a store at open already).</exception>
    ValueTask<RecoveryWrite> LoadRowsAsync(IReadOnlyList<RowChange> rows, byte[] progress, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the recovery durably: the change feed continues after the origin's index (so an uploader resumes the same
    /// table from there) and the progress record is dropped.
    /// </summary>
    /// <exception cref="InvalidDataException">No recovery is loading here (or another one finished): nothing written.</exception>
    ValueTask<RecoveryWrite> FinishRecoveryAsync(ReplicaOrigin origin, CancellationToken cancellationToken);
}
