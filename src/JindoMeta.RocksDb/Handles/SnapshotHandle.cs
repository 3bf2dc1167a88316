using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Handles;

/// <summary>
/// A snapshot plus the read options that point at it (used by point reads at the snapshot). Parent 0 is the
/// database handle, needed by <c>rocksdb_release_snapshot</c>.
/// </summary>
internal sealed class SnapshotHandle : DependentHandle
{
    private readonly DatabaseHandle _database;

    internal SnapshotHandle(DatabaseHandle database)
    {
        _database = database;
        Retain(database);
    }

    /// <summary>Read options with this snapshot set; created after the snapshot, destroyed before it.</summary>
    internal nint ReadOptions { get; set; }

    protected override void DestroyNative(nint native)
    {
        if (ReadOptions != 0)
        {
            NativeMethods.rocksdb_readoptions_destroy(ReadOptions);
        }

        // Safe: we still hold our reference, so the database is open.
        NativeMethods.rocksdb_release_snapshot(_database.DangerousGetHandle(), native);
    }
}
