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
