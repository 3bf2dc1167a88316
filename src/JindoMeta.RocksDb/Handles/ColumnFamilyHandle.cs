using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Handles;

/// <summary>A column family handle; holds a reference on the database handle.</summary>
internal sealed class ColumnFamilyHandle : DependentHandle
{
    protected override void DestroyNative(nint native) => NativeMethods.rocksdb_column_family_handle_destroy(native);
}
