using JindoMeta.Namespace.Schema;

namespace JindoMeta.Namespace.Backend;

/// <summary>Where a local store stands with respect to recovery mode.</summary>
public enum RecoveryStage
{
    /// <summary>A new store: the formatted root and nothing else. Recovery may begin.</summary>
    Empty,

    /// <summary>A recovery began and has not finished; <see cref="IRecoveryTarget.Progress"/> says how far it got.</summary>
    Loading,

    /// <summary>A recovery finished and nothing was written since: <see cref="IReplicaSource.RecoveredFrom"/> is set.</summary>
    Finished,

    /// <summary>The store holds metadata of its own: recovering into it would merge two namespaces, so it is refused.</summary>
    Populated,
}

/// <summary>The replica a store was rebuilt from: its writer's store id and the feed index it stood at.</summary>
public sealed record ReplicaOrigin(string StoreId, long ChangeIndex);

/// <summary>
/// What recovery mode needs of a backend that keeps its namespace locally: a bulk load of replica rows, each load
/// written atomically with the recovery's own progress record (opaque here, so a crash resumes exactly where the
/// last load ended), and the switch that ends it. While a store is not <see cref="RecoveryStage.Finished"/> writes
/// are refused and reads see what is loaded so far.
/// </summary>
public interface IRecoveryTarget
{
    RecoveryStage RecoveryStage { get; }

    /// <summary>The progress record of the last <see cref="LoadRows"/>, null before the first.</summary>
    byte[]? RecoveryProgress { get; }

    /// <summary>Puts <paramref name="rows"/> (dentries and replicated meta rows) and the progress record in one write.</summary>
    void LoadRows(IReadOnlyList<RowChange> rows, byte[] progress);

    /// <summary>
    /// Ends the recovery durably: the change feed continues after the origin's index (so an uploader resumes the same
    /// table from there) and the progress record is dropped.
    /// </summary>
    void FinishRecovery(ReplicaOrigin origin);
}
