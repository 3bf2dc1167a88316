using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>
/// Raw imports of librocksdb's C API (include/rocksdb/c.h; 11.12 ships with the build, 7.8 exports every import too,
/// both tested). Every signature is blittable so the source generator emits direct calls. Error out-parameters are
/// <c>char** errptr</c>: always pass the address of a NULL pointer and free a returned message with
/// <see cref="rocksdb_free"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>Logical library name; <see cref="NativeLibraryResolver"/> maps it to the shipped librocksdb.so.</summary>
    internal const string Library = "rocksdb";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint rocksdb_open_column_families(
        nint options, string name, int columnFamilyCount, byte** columnFamilyNames, nint* columnFamilyOptions,
        nint* columnFamilyHandles, byte** errptr);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte** rocksdb_list_column_families(nint options, string name, nuint* count, byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_list_column_families_destroy(byte** list, nuint count);

    [LibraryImport(Library)]
    internal static partial void rocksdb_column_family_handle_destroy(nint columnFamily);

    [LibraryImport(Library)]
    internal static partial void rocksdb_close(nint db);

    [LibraryImport(Library)]
    internal static partial void rocksdb_free(void* pointer);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_create_snapshot(nint db);

    [LibraryImport(Library)]
    internal static partial void rocksdb_release_snapshot(nint db, nint snapshot);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_checkpoint_object_create(nint db, byte** errptr);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void rocksdb_checkpoint_create(nint checkpoint, string directory, ulong logSizeForFlush, byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_checkpoint_object_destroy(nint checkpoint);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* rocksdb_property_value(nint db, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* rocksdb_property_value_cf(nint db, nint columnFamily, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rocksdb_property_int(nint db, string name, ulong* value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rocksdb_property_int_cf(nint db, nint columnFamily, string name, ulong* value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_flush_cf(nint db, nint flushOptions, nint columnFamily, byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_flush_wal(nint db, byte sync, byte** errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_compact_range_cf(
        nint db, nint columnFamily, byte* startKey, nuint startKeyLength, byte* limitKey, nuint limitKeyLength);

    [LibraryImport(Library)]
    internal static partial ulong rocksdb_get_latest_sequence_number(nint db);
}
