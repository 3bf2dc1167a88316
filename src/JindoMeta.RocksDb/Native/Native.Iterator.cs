using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>Iterators. An iterator is single-threaded; key/value pointers die at the next move.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static partial nint rocksdb_create_iterator_cf(nint db, nint readOptions, nint columnFamily);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_destroy(nint iterator);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte rocksdb_iter_valid(nint iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_to_first(nint iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_to_last(nint iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek(nint iterator, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_for_prev(nint iterator, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_next(nint iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_prev(nint iterator);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* rocksdb_iter_key(nint iterator, nuint* keyLength);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* rocksdb_iter_value(nint iterator, nuint* valueLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_get_error(nint iterator, byte** errptr);
}
