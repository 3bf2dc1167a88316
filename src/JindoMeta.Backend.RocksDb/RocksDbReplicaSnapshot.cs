using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The replicated rows at one RocksDB snapshot. The change index comes from the <c>last-change-index</c> meta row read
/// at the same snapshot: the writer stages it in the batch of that entry's rows, so rows and index always agree.
/// </summary>
internal sealed class RocksDbReplicaSnapshot : IReplicaSnapshot
{
    private readonly NamespaceStore _store;
    private readonly RocksSnapshot _snapshot;

    public RocksDbReplicaSnapshot(NamespaceStore store)
    {
        _store = store;
        _snapshot = store.Database.CreateSnapshot();
        ChangeIndex = store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex, _snapshot) ?? 0;
    }

    public long ChangeIndex { get; }

    public IEnumerable<RowChange> Rows()
    {
        using (var iterator = _store.Database.NewIterator(_store.Dentries, snapshot: _snapshot))
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                yield return new RowChange(NamespaceSchema.DentriesTable, iterator.Key.ToArray(), iterator.Value.ToArray());
            }
        }

        foreach (var key in NamespaceSchema.ReplicatedMetaKeys)
        {
            if (_store.Database.Get(_store.Meta, key, _snapshot) is { } value)
            {
                yield return new RowChange(NamespaceSchema.MetaTable, key, value);
            }
        }
    }

    public void Dispose() => _snapshot.Dispose();
}
