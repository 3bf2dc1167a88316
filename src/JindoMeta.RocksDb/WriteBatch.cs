using JindoMeta.RocksDb.Handles;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

/// <summary>
/// Writes across column families applied atomically by <see cref="RocksDatabase.Write"/>. Keys and values are
/// copied into the batch, so caller buffers are reusable at once. Reuse one batch per writer loop with
/// <see cref="Clear"/>. Not thread-safe.
/// </summary>
public sealed unsafe class WriteBatch : IDisposable
{
    private readonly WriteBatchHandle _handle;
    private RocksDatabase? _database;

    public WriteBatch()
    {
        NativeLibraryResolver.EnsureAvailable();
        _handle = new WriteBatchHandle(NativeMethods.rocksdb_writebatch_create());
    }

    /// <summary>Number of operations recorded since creation or the last <see cref="Clear"/>.</summary>
    public int Count
    {
        get
        {
            using var lease = new HandleLease(_handle);
            return NativeMethods.rocksdb_writebatch_count(lease.Pointer);
        }
    }

    /// <summary>The database whose column families this batch refers to; null while empty.</summary>
    internal RocksDatabase? Database => _database;

    internal WriteBatchHandle Handle => _handle;

    public void Put(ColumnFamily columnFamily, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var columnFamilyHandle = Bind(columnFamily);
        using var batch = new HandleLease(_handle);
        using var cf = new HandleLease(columnFamilyHandle);
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            NativeMethods.rocksdb_writebatch_put_cf(
                batch.Pointer, cf.Pointer, keyPointer, (nuint)key.Length, valuePointer, (nuint)value.Length);
        }
    }

    public void Delete(ColumnFamily columnFamily, ReadOnlySpan<byte> key)
    {
        var columnFamilyHandle = Bind(columnFamily);
        using var batch = new HandleLease(_handle);
        using var cf = new HandleLease(columnFamilyHandle);
        fixed (byte* keyPointer = key)
        {
            NativeMethods.rocksdb_writebatch_delete_cf(batch.Pointer, cf.Pointer, keyPointer, (nuint)key.Length);
        }
    }

    /// <summary>Deletes every key in [<paramref name="startKey"/>, <paramref name="endKey"/>).</summary>
    public void DeleteRange(ColumnFamily columnFamily, ReadOnlySpan<byte> startKey, ReadOnlySpan<byte> endKey)
    {
        var columnFamilyHandle = Bind(columnFamily);
        using var batch = new HandleLease(_handle);
        using var cf = new HandleLease(columnFamilyHandle);
        fixed (byte* start = startKey)
        fixed (byte* end = endKey)
        {
            NativeMethods.rocksdb_writebatch_delete_range_cf(
                batch.Pointer, cf.Pointer, start, (nuint)startKey.Length, end, (nuint)endKey.Length);
        }
    }

    /// <summary>Forgets every recorded operation; the batch can then be used for any database.</summary>
    public void Clear()
    {
        using var batch = new HandleLease(_handle);
        NativeMethods.rocksdb_writebatch_clear(batch.Pointer);
        _database = null;
    }

    public void Dispose() => _handle.Dispose();

    // A batch stores only column family ids, so mixing databases would silently write to the wrong family.
    private ColumnFamilyHandle Bind(ColumnFamily columnFamily)
    {
        ArgumentNullException.ThrowIfNull(columnFamily);
        if (_database is null)
        {
            _database = columnFamily.Database;
        }
        else if (!ReferenceEquals(_database, columnFamily.Database))
        {
            throw new ArgumentException(
                $"Column family '{columnFamily.Name}' belongs to another database than the writes already in this batch.",
                nameof(columnFamily));
        }

        return columnFamily.Handle;
    }
}
