using JindoMeta.RocksDb.Handles;

namespace JindoMeta.RocksDb;

/// <summary>
/// A consistent read view. Reads and iterators given this snapshot see the database as it was when the
/// snapshot was taken. Keep snapshots short: they pin memtables and files and hold back compaction.
/// Disposing it (or the database) in any order is safe; an undisposed snapshot is released by its finalizer.
/// </summary>
public sealed class RocksSnapshot : IDisposable
{
    private int _disposed;

    internal RocksSnapshot(RocksDatabase database, SnapshotHandle handle)
    {
        Database = database;
        Handle = handle;
    }

    internal RocksDatabase Database { get; }

    internal SnapshotHandle Handle { get; }

    /// <summary>
    /// Set by Dispose. Needed because a disposed SafeHandle still accepts references while an iterator holds
    /// one (it closes only at zero), so the handle alone cannot reject new reads at a released snapshot.
    /// </summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        Handle.Dispose();
    }
}
