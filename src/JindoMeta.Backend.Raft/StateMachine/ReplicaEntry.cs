using JindoMeta.Namespace.Schema;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>A raft entry for the async uploader's bookkeeping: no namespace command, no change-feed entry.</summary>
public abstract record ReplicaEntry;

/// <summary>
/// Sets the cluster's replica store id (<see cref="NamespaceSchema.MetaKeys.ReplicaStoreId"/>) unless one is set;
/// applying it returns the id in effect (hex). The leader draws the id before proposing, so applying is deterministic;
/// it proposes one on every leadership it uploads in, and its apply also proves the leader's state holds every entry
/// committed before that leadership.
/// </summary>
/// <param name="StoreId">16 random bytes.</param>
public sealed record ReplicaIdentityEntry(byte[] StoreId) : ReplicaEntry;

/// <summary>
/// The replica holds every change-feed entry through <paramref name="ChangeIndex"/> (the uploader advanced its
/// Tablestore checkpoint there): every node trims its feed through min(<paramref name="ChangeIndex"/>, its last change).
/// </summary>
public sealed record FeedUploadedEntry(long ChangeIndex) : ReplicaEntry;

/// <summary>
/// Recovery mode on raft: one page of replica rows (dentry and replicated meta puts) with the recovery's progress record
/// after it, staged in the entry's batch on every node (no change-feed entry), so the rows and the record that counts
/// them are one write everywhere and a new leader resumes from the same record. Applies only while the state is
/// <see cref="Namespace.Backend.RecoveryStage.Empty"/> or <see cref="Namespace.Backend.RecoveryStage.Loading"/> (a
/// pure function of the state); applying it returns the stage it found.
/// </summary>
/// <param name="Rows">Puts only; keys of the dentries table, or of <see cref="NamespaceSchema.ReplicatedMetaKeys"/>.</param>
/// <param name="Progress">The recovery's own progress record (opaque here).</param>
public sealed record RecoveryLoadEntry(IReadOnlyList<RowChange> Rows, byte[] Progress) : ReplicaEntry;

/// <summary>
/// Ends a recovery on every node as <see cref="Backend.RocksDb.NamespaceStore.FinishRecovery"/> ends it on rocksdb: the
/// progress record dropped, recovered-from = <paramref name="StoreId"/>:<paramref name="ChangeIndex"/>, and the change
/// feed continuing after <paramref name="ChangeIndex"/>. Applies while the state is loading (again, when it finished from
/// this very origin: nothing changes); applying it returns the stage it found.
/// </summary>
public sealed record RecoveryFinishEntry(string StoreId, long ChangeIndex) : ReplicaEntry;
