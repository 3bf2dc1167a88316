using JindoMeta.RocksDb.Handles;

namespace JindoMeta.RocksDb;

/// <summary>
/// A consistent read view. Reads and iterators given this snapshot see the database as it was when the
/// snapshot was taken. Keep snapshots short: they pin memtables and files and hold back compaction.
/// Disposing it (or the database) in any order is safe; an undisposed snapshot is released by its finalizer.
/// </summary>
public sealed class RocksSnapshot : IDisposable
{
    internal RocksSnapshot(RocksDatabase database, SnapshotHandle handle)
    {
        Database = database;
        Handle = handle;
    }

    internal RocksDatabase Database { get; }

    internal SnapshotHandle Handle { get; }

    public void Dispose() => Handle.Dispose();
}
