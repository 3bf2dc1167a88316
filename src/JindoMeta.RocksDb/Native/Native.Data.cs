using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>Point reads and writes, batches and multi-get: the hot paths (raw pointers, no marshalling).</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static partial void rocksdb_put_cf(
        nint db, nint writeOptions, nint columnFamily, byte* key, nuint keyLength, byte* value, nuint valueLength,
        byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_delete_cf(
        nint db, nint writeOptions, nint columnFamily, byte* key, nuint keyLength, byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_delete_range_cf(
        nint db, nint writeOptions, nint columnFamily, byte* startKey, nuint startKeyLength, byte* endKey,
        nuint endKeyLength, byte** errptr);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_get_pinned_cf(
        nint db, nint readOptions, nint columnFamily, byte* key, nuint keyLength, byte** errptr);

    // Pure accessor (no lock, no I/O): skipping the GC transition is safe.
    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* rocksdb_pinnableslice_value(nint slice, nuint* valueLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_pinnableslice_destroy(nint slice);

    // sortedInput is a C++ bool (1 byte), declared as byte to stay blittable.
    [LibraryImport(Library)]
    internal static partial void rocksdb_batched_multi_get_cf(
        nint db, nint readOptions, nint columnFamily, nuint keyCount, byte** keys, nuint* keyLengths, nint* values,
        byte** errors, byte sortedInput);

    [LibraryImport(Library)]
    internal static partial void rocksdb_write(nint db, nint writeOptions, nint batch, byte** errptr);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_writebatch_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_destroy(nint batch);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_clear(nint batch);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int rocksdb_writebatch_count(nint batch);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_put_cf(
        nint batch, nint columnFamily, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_delete_cf(nint batch, nint columnFamily, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_delete_range_cf(
        nint batch, nint columnFamily, byte* startKey, nuint startKeyLength, byte* endKey, nuint endKeyLength);
}
