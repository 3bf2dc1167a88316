using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Handles;

/// <summary>Owns a <c>rocksdb_writebatch_t</c>; independent of any database (a batch only records CF ids).</summary>
internal sealed class WriteBatchHandle : SafeHandle
{
    internal WriteBatchHandle(nint batch)
        : base(0, ownsHandle: true) => SetHandle(batch);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.rocksdb_writebatch_destroy(handle);
        return true;
    }
}
