using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Handles;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    /// <summary>
    /// Creates an iterator over [<paramref name="lowerBound"/>, <paramref name="upperBound"/>) (lower inclusive,
    /// upper exclusive; an empty span means unbounded on that side), optionally at a snapshot. Bounds let
    /// RocksDB stop at the range end instead of scanning into the next key's tombstones. Not positioned yet:
    /// call a Seek method first.
    /// </summary>
    public RocksIterator NewIterator(
        ColumnFamily columnFamily, ReadOnlySpan<byte> lowerBound = default, ReadOnlySpan<byte> upperBound = default,
        RocksSnapshot? snapshot = null)
    {
        var cfHandle = Own(columnFamily);
        var snapshotHandle = Own(snapshot);
        if (!lowerBound.IsEmpty && !upperBound.IsEmpty && lowerBound.SequenceCompareTo(upperBound) > 0)
        {
            throw new ArgumentException("The iterator's lower bound is above its upper bound.", nameof(lowerBound));
        }

        var handle = new IteratorHandle();
        try
        {
            handle.Retain(cfHandle); // the family holds the database
            if (snapshotHandle is not null)
            {
                handle.Retain(snapshotHandle);
            }

            var readOptions = NativeMethods.rocksdb_readoptions_create();
            handle.ReadOptions = readOptions;
            SetBounds(handle, readOptions, lowerBound, upperBound);
            if (snapshotHandle is not null)
            {
                NativeMethods.rocksdb_readoptions_set_snapshot(readOptions, snapshotHandle.DangerousGetHandle());
            }

            handle.Attach(NativeMethods.rocksdb_create_iterator_cf(_db, readOptions, cfHandle.DangerousGetHandle()));
        }
        catch
        {
            if (handle.IsInvalid)
            {
                handle.FreeOptionsAndBounds();
                handle.AbandonIfUnattached();
            }

            throw;
        }

        return new RocksIterator(handle);
    }

    /// <summary>
    /// Creates an iterator over exactly the keys starting with <paramref name="prefix"/> (bounds [prefix,
    /// next prefix)); an empty prefix iterates the whole column family.
    /// </summary>
    public RocksIterator NewPrefixIterator(ColumnFamily columnFamily, ReadOnlySpan<byte> prefix, RocksSnapshot? snapshot = null)
    {
        Span<byte> upper = prefix.Length <= 256 ? stackalloc byte[prefix.Length] : new byte[prefix.Length];
        var upperLength = PrefixSuccessor(prefix, upper);
        return NewIterator(columnFamily, prefix, upper[..upperLength], snapshot);
    }

    /// <summary>
    /// Takes a snapshot: reads and iterators given it see the data as of now. Dispose it soon; it holds back
    /// compaction of overwritten and deleted keys.
    /// </summary>
    public RocksSnapshot CreateSnapshot()
    {
        ThrowIfDisposed();
        var handle = new SnapshotHandle(_handle);
        try
        {
            var snapshot = NativeMethods.rocksdb_create_snapshot(_db);
            handle.Attach(snapshot);
            var readOptions = NativeMethods.rocksdb_readoptions_create();
            NativeMethods.rocksdb_readoptions_set_snapshot(readOptions, snapshot);
            handle.ReadOptions = readOptions;
        }
        catch
        {
            handle.AbandonIfUnattached();
            throw;
        }

        return new RocksSnapshot(this, handle);
    }

    /// <summary>
    /// The smallest key greater than every key with <paramref name="prefix"/>: drop trailing 0xFF bytes and
    /// increment the last one. Returns its length; 0 (unbounded) when the prefix is empty or all 0xFF.
    /// </summary>
    internal static int PrefixSuccessor(ReadOnlySpan<byte> prefix, Span<byte> destination)
    {
        var length = prefix.Length;
        while (length > 0 && prefix[length - 1] == 0xFF)
        {
            length--;
        }

        if (length == 0)
        {
            return 0;
        }

        prefix[..length].CopyTo(destination);
        destination[length - 1]++;
        return length;
    }

    // RocksDB stores only a Slice pointing at the bound bytes (pitfall 4): copy them into native memory that
    // lives exactly as long as the iterator.
    private static void SetBounds(IteratorHandle handle, nint readOptions, ReadOnlySpan<byte> lower, ReadOnlySpan<byte> upper)
    {
        if (lower.IsEmpty && upper.IsEmpty)
        {
            return;
        }

        var bounds = (byte*)NativeMemory.Alloc((nuint)(lower.Length + upper.Length));
        handle.Bounds = bounds;
        lower.CopyTo(new Span<byte>(bounds, lower.Length));
        upper.CopyTo(new Span<byte>(bounds + lower.Length, upper.Length));
        if (!lower.IsEmpty)
        {
            NativeMethods.rocksdb_readoptions_set_iterate_lower_bound(readOptions, bounds, (nuint)lower.Length);
        }

        if (!upper.IsEmpty)
        {
            NativeMethods.rocksdb_readoptions_set_iterate_upper_bound(readOptions, bounds + lower.Length, (nuint)upper.Length);
        }
    }
}
