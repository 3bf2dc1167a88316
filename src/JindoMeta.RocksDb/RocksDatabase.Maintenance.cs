using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Handles;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    /// <summary>
    /// Writes a consistent, openable copy of the database to <paramref name="directory"/>, which must not exist
    /// and should be on the same filesystem (SST files are hard-linked). Memtables are flushed first.
    /// </summary>
    public void CreateCheckpoint(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ThrowIfDisposed();
        using var db = new HandleLease(_handle);
        byte* error = null;
        var checkpoint = NativeMethods.rocksdb_checkpoint_object_create(db.Pointer, &error);
        RocksDbException.ThrowIfError(error);
        try
        {
            // log_size_for_flush = 0: always flush, so the checkpoint needs no WAL replay.
            NativeMethods.rocksdb_checkpoint_create(checkpoint, System.IO.Path.GetFullPath(directory), 0, &error);
            RocksDbException.ThrowIfError(error);
        }
        finally
        {
            NativeMethods.rocksdb_checkpoint_object_destroy(checkpoint);
        }
    }

    /// <summary>A RocksDB property such as "rocksdb.stats" or "rocksdb.estimate-num-keys"; null if unknown.</summary>
    public string? GetProperty(string name, ColumnFamily? columnFamily = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var lease = LeaseFor(columnFamily);
        var value = columnFamily is null
            ? NativeMethods.rocksdb_property_value(_db, name)
            : NativeMethods.rocksdb_property_value_cf(_db, lease.Pointer, name);
        return TakeString(value);
    }

    /// <summary>An integer property such as "rocksdb.estimate-num-keys"; null if unknown or not an integer.</summary>
    public ulong? GetPropertyInt(string name, ColumnFamily? columnFamily = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var lease = LeaseFor(columnFamily);
        ulong value;
        var status = columnFamily is null
            ? NativeMethods.rocksdb_property_int(_db, name, &value)
            : NativeMethods.rocksdb_property_int_cf(_db, lease.Pointer, name, &value);
        return status == 0 ? value : null;
    }

    /// <summary>The statistics dump (tickers and histograms); null unless <see cref="RocksDbOptions.EnableStatistics"/>.</summary>
    public string? GetStatistics()
    {
        ThrowIfDisposed();
        using var db = new HandleLease(_handle);
        return TakeString(NativeMethods.rocksdb_options_statistics_get_string(_handle.Options));
    }

    /// <summary>The sequence number of the last write (grows by one per key written).</summary>
    public ulong LatestSequenceNumber
    {
        get
        {
            ThrowIfDisposed();
            using var db = new HandleLease(_handle);
            return NativeMethods.rocksdb_get_latest_sequence_number(db.Pointer);
        }
    }

    /// <summary>Flushes the column family's memtable to an SST file. Blocks when <paramref name="wait"/>; not for request threads.</summary>
    public void Flush(ColumnFamily columnFamily, bool wait = true)
    {
        using var cf = new HandleLease(Own(columnFamily));
        var flushOptions = NativeMethods.rocksdb_flushoptions_create();
        try
        {
            NativeMethods.rocksdb_flushoptions_set_wait(flushOptions, wait ? (byte)1 : (byte)0);
            byte* error = null;
            NativeMethods.rocksdb_flush_cf(_db, flushOptions, cf.Pointer, &error);
            RocksDbException.ThrowIfError(error);
        }
        finally
        {
            NativeMethods.rocksdb_flushoptions_destroy(flushOptions);
        }
    }

    /// <summary>Writes buffered WAL data to the file, and fdatasyncs it when <paramref name="sync"/>.</summary>
    public void FlushWal(bool sync)
    {
        ThrowIfDisposed();
        using var db = new HandleLease(_handle);
        byte* error = null;
        NativeMethods.rocksdb_flush_wal(db.Pointer, sync ? (byte)1 : (byte)0, &error);
        RocksDbException.ThrowIfError(error);
    }

    /// <summary>
    /// Compacts [<paramref name="startKey"/>, <paramref name="limitKey"/>] (empty span = open end) down to the
    /// last level, dropping deleted and overwritten data. Blocks the calling thread until done.
    /// </summary>
    public void CompactRange(ColumnFamily columnFamily, ReadOnlySpan<byte> startKey = default, ReadOnlySpan<byte> limitKey = default)
    {
        using var cf = new HandleLease(Own(columnFamily));
        // A null pointer means "unbounded" to the C API, and fixed on an empty span yields null.
        fixed (byte* start = startKey)
        fixed (byte* limit = limitKey)
        {
            NativeMethods.rocksdb_compact_range_cf(_db, cf.Pointer, start, (nuint)startKey.Length, limit, (nuint)limitKey.Length);
        }
    }

    private HandleLease LeaseFor(ColumnFamily? columnFamily)
    {
        ThrowIfDisposed();
        return new HandleLease(columnFamily is null ? _handle : Own(columnFamily));
    }

    private static string? TakeString(byte* value)
    {
        if (value == null)
        {
            return null;
        }

        var text = Marshal.PtrToStringUTF8((nint)value);
        NativeMethods.rocksdb_free(value);
        return text;
    }
}
