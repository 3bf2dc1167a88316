using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Handles;

/// <summary>
/// Owns the open <c>rocksdb_t</c> and the option objects every call uses. They are destroyed together, after
/// <c>rocksdb_close</c>, which runs only once every dependent handle (column family, iterator, snapshot) is gone.
/// </summary>
internal sealed class DatabaseHandle : SafeHandle
{
    internal DatabaseHandle(nint db, nint options, nint syncWriteOptions, nint asyncWriteOptions, nint readOptions)
        : base(0, ownsHandle: true)
    {
        Options = options;
        SyncWriteOptions = syncWriteOptions;
        AsyncWriteOptions = asyncWriteOptions;
        DefaultReadOptions = readOptions;
        SetHandle(db);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The options the DB was opened with; kept because statistics are read through them (pitfall 9).</summary>
    internal nint Options { get; }

    internal nint SyncWriteOptions { get; }

    internal nint AsyncWriteOptions { get; }

    /// <summary>Shared, never mutated after creation, so safe across threads.</summary>
    internal nint DefaultReadOptions { get; }

    protected override bool ReleaseHandle()
    {
        NativeMethods.rocksdb_close(handle);
        NativeMethods.rocksdb_readoptions_destroy(DefaultReadOptions);
        NativeMethods.rocksdb_writeoptions_destroy(AsyncWriteOptions);
        NativeMethods.rocksdb_writeoptions_destroy(SyncWriteOptions);
        NativeMethods.rocksdb_options_destroy(Options);
        return true;
    }
}
