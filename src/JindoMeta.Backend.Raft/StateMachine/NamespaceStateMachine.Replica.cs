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
    /// Stages a replica entry into the entry's batch; returns the store id in effect for an identity entry, the
    /// <see cref="RecoveryEntryOutcome"/> of a recovery entry (a finish moves <paramref name="changeIndex"/> to its origin's index).
    /// </summary>
    private object? StageReplicaEntry(Entry entry, ulong applied, ref long changeIndex)
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
            case RecoveryLoadEntry load:
                return StageRecoveryLoad(entry, applied, load);
            case RecoveryFinishEntry finish:
                return StageRecoveryFinish(entry, applied, finish, ref changeIndex);
            default:
                throw Stop($"Raft entry {entry.Index} holds a replica entry this node cannot apply ({replicaEntry.GetType().Name}).", null);
        }
    }
}
