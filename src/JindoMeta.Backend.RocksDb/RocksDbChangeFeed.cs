using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The change feed kept in the store's <c>changes</c> table, written by the store's one writer (the rocksdb
/// backend's <see cref="GroupCommitWriter"/>, or the raft backend's state machine on every node).
/// </summary>
/// <param name="store">The namespace store holding the feed.</param>
/// <param name="lastCommittedIndex">
/// The newest entry readers may see: the writer's last durable (rocksdb) or applied (raft) change index. Entries
/// above it may be in the table already but are not yet acknowledged.
/// </param>
public sealed class RocksDbChangeFeed(NamespaceStore store, Func<long> lastCommittedIndex) : IChangeFeed
{
    private readonly Lock _trimLock = new();

    public long LastIndex => lastCommittedIndex();

    public long FirstIndex => (store.ReadInt64(NamespaceSchema.MetaKeys.TrimmedChangeIndex) ?? 0) + 1;

    public IReadOnlyList<ChangeEntry> Read(long fromIndex, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        var last = LastIndex; // only entries whose batch was acknowledged

        // One snapshot for the trim mark and the entries, so a concurrent Trim cannot make entries vanish unseen.
        using var snapshot = store.Database.CreateSnapshot();
        var first = (store.ReadInt64(NamespaceSchema.MetaKeys.TrimmedChangeIndex, snapshot) ?? 0) + 1;
        if (fromIndex < first)
        {
            throw new ArgumentOutOfRangeException(nameof(fromIndex), fromIndex, $"Change-feed entries before {first} were trimmed.");
        }

        var entries = new List<ChangeEntry>((int)Math.Clamp(last - fromIndex + 1, 0, Math.Min(maxEntries, 1024)));
        if (fromIndex > last)
        {
            return entries;
        }

        using var iterator = store.Database.NewIterator(store.Changes, NamespaceSchema.ChangeKey(fromIndex), NamespaceSchema.ChangeKey(last + 1), snapshot);
        for (iterator.SeekToFirst(); iterator.Valid && entries.Count < maxEntries; iterator.Next())
        {
            var index = NamespaceSchema.ReadInt64Value(iterator.Key, "change index");
            entries.Add(ChangeFeedCodec.Decode(index, iterator.Value));
        }

        return entries;
    }

    public void Trim(long throughIndex)
    {
        lock (_trimLock)
        {
            var first = FirstIndex;
            var through = Math.Min(throughIndex, LastIndex);
            if (through < first)
            {
                return;
            }

            using var batch = new WriteBatch();
            batch.DeleteRange(store.Changes, NamespaceSchema.ChangeKey(first), NamespaceSchema.ChangeKey(through + 1));
            batch.Put(store.Meta, NamespaceSchema.MetaKeys.TrimmedChangeIndex, NamespaceSchema.Int64Value(through));
            store.Database.Write(batch, sync: true);
        }
    }
}
