using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Handles;

/// <summary>
/// An iterator together with its own read options and the native copy of its bounds. RocksDB keeps pointers
/// to both (pitfall 4), so they are freed only after the iterator is destroyed. Parents: the column family
/// (which itself holds the database) and, optionally, the snapshot.
/// </summary>
internal sealed unsafe class IteratorHandle : DependentHandle
{
    /// <summary>Read options owned by this iterator; 0 until created.</summary>
    internal nint ReadOptions { get; set; }

    /// <summary>NativeMemory block holding the lower then the upper bound; null when unbounded.</summary>
    internal byte* Bounds { get; set; }

    protected override void DestroyNative(nint native)
    {
        NativeMethods.rocksdb_iter_destroy(native);
        FreeOptionsAndBounds();
    }

    /// <summary>Frees options and bounds when iterator creation failed (no native iterator to destroy).</summary>
    internal void FreeOptionsAndBounds()
    {
        if (ReadOptions != 0)
        {
            NativeMethods.rocksdb_readoptions_destroy(ReadOptions);
            ReadOptions = 0;
        }

        if (Bounds != null)
        {
            NativeMemory.Free(Bounds);
            Bounds = null;
        }
    }
}
