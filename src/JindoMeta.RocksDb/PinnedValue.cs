using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

/// <summary>
/// A value read without copying: <see cref="Value"/> points into RocksDB's block cache (or the slice's own
/// buffer for memtable hits) until <see cref="Dispose"/>. It pins a cache block, so dispose it promptly, and
/// do not copy the struct (two copies would both release the slice).
/// </summary>
public unsafe ref struct PinnedValue
{
    private nint _slice;
    private readonly SafeHandle? _owner;
    private readonly byte* _data;
    private readonly int _length;

    internal PinnedValue(nint slice, SafeHandle owner, byte* data, int length)
    {
        _slice = slice;
        _owner = owner;
        _data = data;
        _length = length;
    }

    /// <summary>True when the key exists.</summary>
    public readonly bool Found => _slice != 0;

    /// <summary>The value; empty when not found (use <see cref="Found"/> to tell an empty value apart).</summary>
    public readonly ReadOnlySpan<byte> Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_slice == 0 && _owner is not null, typeof(PinnedValue));
            return _slice == 0 ? default : new ReadOnlySpan<byte>(_data, _length);
        }
    }

    /// <summary>Releases the pinned slice and the reference that keeps the database open meanwhile.</summary>
    public void Dispose()
    {
        if (_slice == 0)
        {
            return;
        }

        NativeMethods.rocksdb_pinnableslice_destroy(_slice);
        _slice = 0;
        _owner!.DangerousRelease();
    }
}
