using JindoMeta.RocksDb.Handles;

namespace JindoMeta.RocksDb;

/// <summary>
/// An open column family of one <see cref="RocksDatabase"/>. Owned by the database (closed with it), safe to
/// share across threads for reads and writes.
/// </summary>
public sealed class ColumnFamily
{
    internal ColumnFamily(RocksDatabase database, string name, ColumnFamilyHandle handle)
    {
        Database = database;
        Name = name;
        Handle = handle;
    }

    public string Name { get; }

    internal RocksDatabase Database { get; }

    internal ColumnFamilyHandle Handle { get; }

    public override string ToString() => Name;
}
