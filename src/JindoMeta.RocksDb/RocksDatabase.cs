using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using JindoMeta.RocksDb.Handles;

namespace JindoMeta.RocksDb;

/// <summary>
/// An open RocksDB database with its column families.
/// </summary>
/// <remarks>
/// Thread-safe: reads, writes, iterator and snapshot creation may run concurrently. Every native call holds a
/// reference on the column family (or database) handle, so <see cref="Dispose"/> racing with a call defers the
/// close instead of freeing memory under it. Iterators, snapshots and pinned values keep the database open
/// until they are disposed or collected; the LOCK file is released when the last of them is gone.
/// </remarks>
public sealed partial class RocksDatabase : IDisposable
{
    private readonly DatabaseHandle _handle;
    private readonly ColumnFamily[] _columnFamilies;
    private readonly Dictionary<string, ColumnFamily> _columnFamiliesByName;
    private readonly nint _db;
    private int _disposed;

    private RocksDatabase(string path, DatabaseHandle handle, IReadOnlyList<string> names, nint[] nativeColumnFamilies)
    {
        Path = path;
        _handle = handle;
        _db = handle.DangerousGetHandle();
        _columnFamilies = new ColumnFamily[names.Count];
        _columnFamiliesByName = new Dictionary<string, ColumnFamily>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var cfHandle = new ColumnFamilyHandle();
            cfHandle.Retain(handle);
            cfHandle.Attach(nativeColumnFamilies[i]);
            nativeColumnFamilies[i] = 0;
            var columnFamily = new ColumnFamily(this, names[i], cfHandle);
            _columnFamilies[i] = columnFamily;
            _columnFamiliesByName.Add(names[i], columnFamily);
        }
    }

    /// <summary>The database directory (absolute).</summary>
    public string Path { get; }

    /// <summary>Names of every open column family, "default" first.</summary>
    public IReadOnlyList<string> ColumnFamilyNames => Array.ConvertAll(_columnFamilies, cf => cf.Name);

    /// <summary>The open column family called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such column family is open.</exception>
    public ColumnFamily GetColumnFamily(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return _columnFamiliesByName.TryGetValue(name, out var columnFamily)
            ? columnFamily
            : throw new ArgumentException(
                $"Column family '{name}' is not open in {Path} (open: {string.Join(", ", ColumnFamilyNames)}).",
                nameof(name));
    }

    /// <summary>
    /// Closes the database once every iterator, snapshot and pinned value taken from it is released.
    /// Calls made after Dispose throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var columnFamily in _columnFamilies)
        {
            columnFamily.Handle.Dispose();
        }

        _handle.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Checks the column family is ours and returns its handle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ColumnFamilyHandle Own(ColumnFamily columnFamily)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(columnFamily);
        if (!ReferenceEquals(columnFamily.Database, this))
        {
            ThrowForeign(columnFamily);
        }

        return columnFamily.Handle;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SnapshotHandle? Own(RocksSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            return null;
        }

        if (!ReferenceEquals(snapshot.Database, this))
        {
            throw new ArgumentException("The snapshot belongs to another database.", nameof(snapshot));
        }

        ObjectDisposedException.ThrowIf(snapshot.IsDisposed, snapshot);
        return snapshot.Handle;
    }

    [DoesNotReturn]
    private void ThrowForeign(ColumnFamily columnFamily) =>
        throw new ArgumentException(
            $"Column family '{columnFamily.Name}' belongs to another database than {Path}.", nameof(columnFamily));
}
