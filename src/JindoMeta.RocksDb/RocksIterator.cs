using System.Runtime.CompilerServices;
using JindoMeta.RocksDb.Handles;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

/// <summary>
/// A cursor over one column family, optionally bounded ([lower, upper)) and at a snapshot. <see cref="Key"/>
/// and <see cref="Value"/> are valid only until the next move. When <see cref="Valid"/> turns false because
/// of an I/O or corruption error, it throws <see cref="RocksDbException"/> instead of looking like the end.
/// Not thread-safe. Stays usable after the database is disposed; the database closes after the last iterator.
/// </summary>
public sealed unsafe class RocksIterator : IDisposable
{
    private readonly IteratorHandle _handle;
    private nint _iterator;

    internal RocksIterator(IteratorHandle handle)
    {
        _handle = handle;
        _iterator = handle.DangerousGetHandle();
    }

    /// <summary>True while positioned on an entry; throws if iteration stopped on an error.</summary>
    public bool Valid
    {
        get
        {
            var iterator = Pointer;
            if (NativeMethods.rocksdb_iter_valid(iterator) != 0)
            {
                return true;
            }

            byte* error = null;
            NativeMethods.rocksdb_iter_get_error(iterator, &error);
            RocksDbException.ThrowIfError(error);
            return false;
        }
    }

    public ReadOnlySpan<byte> Key
    {
        get
        {
            nuint length;
            var data = NativeMethods.rocksdb_iter_key(ValidPointer(), &length);
            return new ReadOnlySpan<byte>(data, checked((int)length));
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            nuint length;
            var data = NativeMethods.rocksdb_iter_value(ValidPointer(), &length);
            return new ReadOnlySpan<byte>(data, checked((int)length));
        }
    }

    private nint Pointer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var iterator = _iterator;
            ObjectDisposedException.ThrowIf(iterator == 0, this);
            return iterator;
        }
    }

    /// <summary>Positions at the first entry (at the lower bound when one is set).</summary>
    public void SeekToFirst() => NativeMethods.rocksdb_iter_seek_to_first(Pointer);

    /// <summary>Positions at the last entry (below the upper bound when one is set).</summary>
    public void SeekToLast() => NativeMethods.rocksdb_iter_seek_to_last(Pointer);

    /// <summary>Positions at the first entry with key &gt;= <paramref name="target"/>.</summary>
    public void Seek(ReadOnlySpan<byte> target)
    {
        fixed (byte* key = target)
        {
            NativeMethods.rocksdb_iter_seek(Pointer, key, (nuint)target.Length);
        }
    }

    /// <summary>Positions at the last entry with key &lt;= <paramref name="target"/>.</summary>
    public void SeekForPrev(ReadOnlySpan<byte> target)
    {
        fixed (byte* key = target)
        {
            NativeMethods.rocksdb_iter_seek_for_prev(Pointer, key, (nuint)target.Length);
        }
    }

    public void Next() => NativeMethods.rocksdb_iter_next(ValidPointer());

    public void Prev() => NativeMethods.rocksdb_iter_prev(ValidPointer());

    public void Dispose()
    {
        _iterator = 0;
        _handle.Dispose();
    }

    // RocksDB only asserts validity in debug builds; on an invalid iterator these calls would read garbage.
    private nint ValidPointer()
    {
        var iterator = Pointer;
        if (NativeMethods.rocksdb_iter_valid(iterator) == 0)
        {
            throw new InvalidOperationException("The iterator is not positioned on an entry (check Valid first).");
        }

        return iterator;
    }
}
