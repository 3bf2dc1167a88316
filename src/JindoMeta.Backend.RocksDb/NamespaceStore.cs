using System.Text;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The RocksDB database of one namespace, laid out by <see cref="NamespaceSchema"/>: opening, formatting,
/// refusing a directory made by another backend or format version, and writing rows.
/// </summary>
/// <remarks>
/// Public so that every backend keeping a namespace in local RocksDB (rocksdb's group-commit writer, raft's state
/// machine on each node) shares one implementation of the schema: the same rows, the same change-feed entries,
/// the same meta keys. Thread-safe for reads; writes come from the one writer of the store.
/// </remarks>
public sealed partial class NamespaceStore : IDisposable
{
    private NamespaceStore(RocksDatabase database)
    {
        Database = database;
        Dentries = database.GetColumnFamily(NamespaceSchema.DentriesTable);
        Meta = database.GetColumnFamily(NamespaceSchema.MetaTable);
        Changes = database.GetColumnFamily(NamespaceSchema.ChangesTable);
        Retries = database.GetColumnFamily(NamespaceSchema.RetriesTable);
    }

    public RocksDatabase Database { get; }
    public ColumnFamily Dentries { get; }
    public ColumnFamily Meta { get; }
    public ColumnFamily Changes { get; }

    /// <summary>The retry cache's rows (<see cref="RetryCache"/>).</summary>
    public ColumnFamily Retries { get; }
    public string Path => Database.Path;


    /// <summary>
    /// Opens the store of <paramref name="backendType"/> at <paramref name="directory"/>, formatting it with
    /// <paramref name="formatEffects"/> when it is new.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory holds something else: another backend's or format's store, or files that are no RocksDB.</exception>
    public static NamespaceStore Open(string directory, RocksDbOptions options, string backendType, Func<IReadOnlyList<StateEffect>> formatEffects)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() &&
            !File.Exists(System.IO.Path.Combine(directory, "CURRENT")))
        {
            throw new InvalidDataException($"The data directory {directory} is not empty and holds no RocksDB store: refusing to use it.");
        }

        Directory.CreateDirectory(directory);
        var database = RocksDatabase.Open(directory, options, NamespaceSchema.Tables);
        var store = new NamespaceStore(database);
        try
        {
            store.FormatOrVerify(backendType, formatEffects);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    public long? ReadInt64(byte[] metaKey, RocksSnapshot? snapshot = null)
    {
        using var value = Database.GetPinned(Meta, metaKey, snapshot);
        return value.Found ? NamespaceSchema.ReadInt64Value(value.Value, Encoding.ASCII.GetString(metaKey)) : null;
    }

    /// <summary>Adds one row change to <paramref name="batch"/>.</summary>
    public void Stage(WriteBatch batch, RowChange row)
    {
        var family = row.Table switch
        {
            NamespaceSchema.DentriesTable => Dentries,
            NamespaceSchema.MetaTable => Meta,
            NamespaceSchema.ChangesTable => Changes,
            NamespaceSchema.RetriesTable => Retries,
            _ => throw new ArgumentException($"Unknown table {row.Table}", nameof(row)),
        };
        if (row.Value is null)
        {
            batch.Delete(family, row.Key);
        }
        else
        {
            batch.Put(family, row.Key, row.Value);
        }
    }

    /// <summary>
    /// Adds the change-feed entry <paramref name="changeIndex"/> (one committed command's rows, ordered at
    /// <paramref name="timestampMs"/>) to <paramref name="batch"/>. The rows themselves are staged separately
    /// (<see cref="Stage"/>), so a writer committing many commands at once can write each key once.
    /// </summary>
    public void StageChangeEntry(WriteBatch batch, long changeIndex, long timestampMs, IReadOnlyList<RowChange> rows) =>
        batch.Put(Changes, NamespaceSchema.ChangeKey(changeIndex), ChangeFeedCodec.Encode(timestampMs, rows));

    /// <summary>Records <paramref name="changeIndex"/> as the newest change-feed entry, in the batch that holds it.</summary>
    public void StageLastChangeIndex(WriteBatch batch, long changeIndex) =>
        batch.Put(Meta, NamespaceSchema.MetaKeys.LastChangeIndex, NamespaceSchema.Int64Value(changeIndex));

    public void Dispose() => Database.Dispose();

    private void FormatOrVerify(string backendType, Func<IReadOnlyList<StateEffect>> formatEffects)
    {
        var version = ReadInt64(NamespaceSchema.MetaKeys.FormatVersion);
        if (version is null)
        {
            using var probe = Database.NewIterator(Dentries);
            probe.SeekToFirst();
            if (probe.Valid)
            {
                throw new InvalidDataException($"The store at {Path} has dentries but no format version: it is damaged or not JindoMeta's.");
            }

            Format(backendType, formatEffects());
            return;
        }

        if (version != NamespaceSchema.FormatVersion)
        {
            throw new InvalidDataException(
                $"The store at {Path} has format version {version}; this JindoMeta reads version {NamespaceSchema.FormatVersion} only.");
        }

        var storedType = Database.Get(Meta, NamespaceSchema.MetaKeys.BackendType);
        var storedName = storedType is null ? "(none)" : Encoding.UTF8.GetString(storedType);
        if (storedName != backendType)
        {
            throw new InvalidDataException(
                $"The store at {Path} was made by the '{storedName}' backend, not '{backendType}': set namespace.backend.type to match or use another data directory.");
        }
    }

    /// <summary>
    /// The store's random id in hex (<see cref="NamespaceSchema.MetaKeys.StoreId"/>), made on first call. Only the rocksdb
    /// backend has one: on raft the state is replicated and must be identical on every node, so a node-local id has
    /// no place in it (the raft uploader will need a cluster-wide id).
    /// </summary>
    public string EnsureStoreId()
    {
        var id = Database.Get(Meta, NamespaceSchema.MetaKeys.StoreId);
        if (id is null)
        {
            id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
            using var batch = new WriteBatch();
            batch.Put(Meta, NamespaceSchema.MetaKeys.StoreId, id);
            Database.Write(batch, sync: true);
        }

        return Convert.ToHexStringLower(id);
    }

    private void Format(string backendType, IReadOnlyList<StateEffect> effects)
    {
        using var batch = new WriteBatch();
        foreach (var row in RowChange.FromEffects(effects))
        {
            Stage(batch, row);
        }

        batch.Put(Meta, NamespaceSchema.MetaKeys.BackendType, Encoding.UTF8.GetBytes(backendType));
        batch.Put(Meta, NamespaceSchema.MetaKeys.LastChangeIndex, NamespaceSchema.Int64Value(0));
        batch.Put(Meta, NamespaceSchema.MetaKeys.TrimmedChangeIndex, NamespaceSchema.Int64Value(0));
        // The version goes in the same batch, so a crash mid-format leaves a store that formats again.
        batch.Put(Meta, NamespaceSchema.MetaKeys.FormatVersion, NamespaceSchema.Int64Value(NamespaceSchema.FormatVersion));
        Database.Write(batch, sync: true);
    }
}
