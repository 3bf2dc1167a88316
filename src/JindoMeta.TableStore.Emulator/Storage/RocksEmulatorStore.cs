using System.Text;
using JindoMeta.RocksDb;

namespace JindoMeta.TableStore.Emulator.Storage;

/// <summary>
/// The emulator's tables in RocksDB. Column families: <c>tables</c> (name → creation record) and <c>rows</c>
/// (<c>table name | 0x00 | PlainBuffer primary key</c> → PlainBuffer row image with every version). Table names
/// hold no 0x00 byte, so a table's rows are the key range [name 0x00, name 0x01). Every request's changes go in
/// one synced WriteBatch. The engine serves from memory; RocksDB is read once at start-up.
/// </summary>
internal sealed class RocksEmulatorStore : IEmulatorStore
{
    private readonly RocksDatabase _database;
    private readonly ColumnFamily _tables;
    private readonly ColumnFamily _rows;
    private readonly WriteBatch _batch = new();

    public RocksEmulatorStore(string directory)
    {
        Directory.CreateDirectory(directory);
        _database = Open(directory);
        _tables = _database.GetColumnFamily("tables");
        _rows = _database.GetColumnFamily("rows");
    }

    public void Load(IEmulatorStoreReplay replay)
    {
        using (var tables = _database.NewIterator(_tables))
        {
            for (tables.SeekToFirst(); tables.Valid; tables.Next())
            {
                replay.TableCreated(tables.Value);
            }
        }
        using var rows = _database.NewIterator(_rows);
        for (rows.SeekToFirst(); rows.Valid; rows.Next())
        {
            var key = rows.Key;
            var separator = key.IndexOf((byte)0);
            replay.RowWritten(Encoding.UTF8.GetString(key[..separator]), rows.Value);
        }
    }

    public void CreateTable(string table, byte[] createRecord) => _database.Put(_tables, Encoding.UTF8.GetBytes(table), createRecord, sync: true);

    public void DeleteTable(string table)
    {
        var name = Encoding.UTF8.GetBytes(table);
        _batch.Clear();
        _batch.Delete(_tables, name);
        _batch.DeleteRange(_rows, [.. name, 0], [.. name, 1]);
        _database.Write(_batch, sync: true);
    }

    public void WriteRows(IReadOnlyList<RowImage> rows)
    {
        _batch.Clear();
        foreach (var row in rows)
        {
            var key = RowKey(row.Table, row.Key);
            if (row.Image is null)
            {
                _batch.Delete(_rows, key);
            }
            else
            {
                _batch.Put(_rows, key, row.Image);
            }
        }
        _database.Write(_batch, sync: true);
    }

    public void Dispose()
    {
        _batch.Dispose();
        _database.Dispose();
    }

    /// <summary>
    /// Opens <c>directory/rocksdb</c>. RocksDB's C API reports a held LOCK only in its message: "While lock file:
    /// .../LOCK: Resource temporarily unavailable" (another process) or "lock hold by current process" (another
    /// emulator here); both become <see cref="DataDirectoryInUseException"/>, every other error stays as it is.
    /// </summary>
    private static RocksDatabase Open(string directory)
    {
        try
        {
            return RocksDatabase.Open(Path.Combine(directory, "rocksdb"), new RocksDbOptions(), ["tables", "rows"]);
        }
        catch (RocksDbException e) when (e.Message.Contains("While lock file:", StringComparison.Ordinal))
        {
            throw new DataDirectoryInUseException(directory, "another process", "RocksDB LOCK held", e);
        }
        catch (RocksDbException e) when (e.Message.Contains("lock hold by current process", StringComparison.Ordinal))
        {
            throw new DataDirectoryInUseException(directory, "another emulator in this process", "RocksDB LOCK held", e);
        }
    }

    private static byte[] RowKey(string table, PrimaryKey key)
    {
        var encodedKey = PlainBuffer.PlainBufferWriter.EncodeKey(key);
        var nameLength = Encoding.UTF8.GetByteCount(table);
        var buffer = new byte[nameLength + 1 + encodedKey.Length];
        Encoding.UTF8.GetBytes(table, buffer);
        encodedKey.CopyTo(buffer.AsSpan(nameLength + 1));
        return buffer;
    }
}
