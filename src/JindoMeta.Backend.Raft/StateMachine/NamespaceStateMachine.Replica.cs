using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>What the async uploader reads of the state on the node that uploads (the leader), and its bookkeeping entries.</summary>
public sealed partial class NamespaceStateMachine
{
    /// <summary>The cluster's replica store id (hex), or null before a leader's <see cref="ReplicaIdentityEntry"/> was applied.</summary>
    public string? ReplicaStoreId => UnderReadLock(_ => _store.Database.Get(_store.Meta, NamespaceSchema.MetaKeys.ReplicaStoreId) is { } id
        ? Convert.ToHexStringLower(id)
        : null);

    /// <summary>The oldest change-feed entry kept (the feed is trimmed by <see cref="FeedUploadedEntry"/> only).</summary>
    public long ChangeFeedFirstIndex => UnderReadLock(feed => feed.FirstIndex);

    /// <summary>
    /// The replicated rows (dentries, then the replicated meta rows) at one RocksDB snapshot, with the change index read
    /// at the same snapshot (it is written in the batch of that change's rows, so rows and index agree).
    /// </summary>
    /// <remarks>
    /// The rows are copied out under the read lock: a snapshot restore replaces and closes the store, and the uploader
    /// holds its snapshot across awaits (other threads), where the lock cannot be held. The uploader keeps the rows in
    /// memory while it writes them anyway (src/JindoMeta.Replication/README.md, known limits).
    /// </remarks>
    public IReplicaSnapshot OpenReplicaSnapshot() => UnderReadLock(_ =>
    {
        using var snapshot = _store.Database.CreateSnapshot();
        var changeIndex = _store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex, snapshot) ?? 0;
        var rows = new List<RowChange>();
        using (var iterator = _store.Database.NewIterator(_store.Dentries, snapshot: snapshot))
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                rows.Add(new RowChange(NamespaceSchema.DentriesTable, iterator.Key.ToArray(), iterator.Value.ToArray()));
            }
        }

        foreach (var key in NamespaceSchema.ReplicatedMetaKeys)
        {
            if (_store.Database.Get(_store.Meta, key, snapshot) is { } value)
            {
                rows.Add(new RowChange(NamespaceSchema.MetaTable, key, value));
            }
        }

        return (IReplicaSnapshot)new CopiedReplicaSnapshot(changeIndex, rows);
    });

    /// <summary>Stages a replica entry into the entry's batch; returns the store id in effect for an identity entry.</summary>
    private string? StageReplicaEntry(Entry entry, ulong applied)
    {
        ReplicaEntry replicaEntry;
        try
        {
            replicaEntry = ReplicaEntryCodec.Decode(entry.Data);
        }
        catch (FormatException e)
        {
            throw Stop($"Raft entry {entry.Index} (term {entry.Term}) cannot be decoded: {e.Message} The state machine stopped at applied index {applied}: skipping the entry would make this node diverge from its peers.", e);
        }

        switch (replicaEntry)
        {
            case ReplicaIdentityEntry identity:
                // The first identity applied wins; later ones (every new leader proposes one) change nothing.
                if (_store.Database.Get(_store.Meta, NamespaceSchema.MetaKeys.ReplicaStoreId) is { } existing)
                {
                    return Convert.ToHexStringLower(existing);
                }

                _batch.Put(_store.Meta, NamespaceSchema.MetaKeys.ReplicaStoreId, identity.StoreId);
                return Convert.ToHexStringLower(identity.StoreId);
            case FeedUploadedEntry uploaded:
                // Never past the last change: an index from a replica ahead of this state would trim entries not uploaded.
                var through = Math.Min(uploaded.ChangeIndex, _lastChangeIndex);
                var first = (_store.ReadInt64(NamespaceSchema.MetaKeys.TrimmedChangeIndex) ?? 0) + 1;
                if (through >= first)
                {
                    _batch.DeleteRange(_store.Changes, NamespaceSchema.ChangeKey(first), NamespaceSchema.ChangeKey(through + 1));
                    _batch.Put(_store.Meta, NamespaceSchema.MetaKeys.TrimmedChangeIndex, NamespaceSchema.Int64Value(through));
                }

                return null;
            default:
                throw Stop($"Raft entry {entry.Index} holds a replica entry this node cannot apply ({replicaEntry.GetType().Name}).", null);
        }
    }

    /// <summary>A replica snapshot whose rows were copied out of the store.</summary>
    private sealed class CopiedReplicaSnapshot(long changeIndex, IReadOnlyList<RowChange> rows) : IReplicaSnapshot
    {
        public long ChangeIndex => changeIndex;

        public IEnumerable<RowChange> Rows() => rows;

        public void Dispose()
        {
        }
    }
}
