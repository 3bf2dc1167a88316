using System.Text;

namespace JindoMeta.TableStore.Emulator.Engine;

internal enum KeyUse
{
    Read,
    Write,
    RangeBound,
}

/// <summary>One table: its schema and rows in primary-key order.</summary>
internal sealed class EmulatedTable
{
    private const int MaxKeyValueBytes = 1024;

    private readonly SortedSet<StoredRow> _rows = new(StoredRowKeyComparer.Instance);
    private long _lastAutoIncrement;

    public EmulatedTable(TableSchema schema, long creationTime)
    {
        Schema = schema;
        CreationTime = creationTime;
    }

    public TableSchema Schema { get; }

    public long CreationTime { get; }

    public int Count => _rows.Count;

    public StoredRow? Find(PrimaryKey key) => _rows.TryGetValue(new StoredRow(key), out var row) ? row : null;

    public void Store(StoredRow row)
    {
        _rows.Remove(row);
        _rows.Add(row);
        foreach (var column in row.Key)
        {
            if (column.Value.Type == ColumnValueType.Integer && IsAutoIncrement(column.Name))
            {
                _lastAutoIncrement = Math.Max(_lastAutoIncrement, column.Value.AsInteger());
            }
        }
    }

    public void Remove(PrimaryKey key) => _rows.Remove(new StoredRow(key));

    /// <summary>Rows from <paramref name="start"/> (inclusive) towards <paramref name="end"/> (exclusive).</summary>
    public IEnumerable<StoredRow> Range(PrimaryKey start, PrimaryKey end, Direction direction)
    {
        if (_rows.Count == 0)
        {
            yield break;
        }
        var low = direction == Direction.Forward ? start : end;
        var high = direction == Direction.Forward ? end : start;
        if (low.CompareTo(high) > 0)
        {
            yield break;
        }
        var view = _rows.GetViewBetween(new StoredRow(low), new StoredRow(high));
        var rows = direction == Direction.Forward ? view : view.Reverse();
        foreach (var row in rows)
        {
            // Exclusive end: skip the bound itself.
            if (row.Key.CompareTo(end) == 0)
            {
                continue;
            }
            yield return row;
        }
    }

    /// <summary>Strictly increasing within the table (so within each partition), not necessarily consecutive.</summary>
    public long NextAutoIncrement(long nowMicros)
    {
        _lastAutoIncrement = Math.Max(_lastAutoIncrement + 1, nowMicros);
        return _lastAutoIncrement;
    }

    public bool IsAutoIncrement(string column) => Schema.PrimaryKey.Any(c => c.AutoIncrement && c.Name == column);

    /// <summary>Checks a key against the schema: names, count, order, types, sizes and where INF/AUTO_INCREMENT may appear.</summary>
    public void ValidateKey(PrimaryKey key, KeyUse use)
    {
        var schema = Schema.PrimaryKey;
        if (key.Count != schema.Count)
        {
            throw new OtsError(TableStoreErrorCodes.InvalidPk, $"Validate PK size fail. Input: {key.Count}, Meta: {schema.Count}.");
        }
        for (var i = 0; i < schema.Count; i++)
        {
            var column = key[i];
            if (column.Name != schema[i].Name)
            {
                throw new OtsError(TableStoreErrorCodes.InvalidPk, $"Validate PK name fail. Input: {column.Name}, Meta: {schema[i].Name}.");
            }
            var type = column.Value.Type;
            var allowed = type switch
            {
                ColumnValueType.InfMin or ColumnValueType.InfMax => use == KeyUse.RangeBound,
                ColumnValueType.AutoIncrement => use == KeyUse.Write && schema[i].AutoIncrement,
                ColumnValueType.Integer => schema[i].Type == PrimaryKeyType.Integer,
                ColumnValueType.String => schema[i].Type == PrimaryKeyType.String,
                ColumnValueType.Binary => schema[i].Type == PrimaryKeyType.Binary,
                _ => false,
            };
            if (!allowed)
            {
                throw new OtsError(TableStoreErrorCodes.InvalidPk, $"Validate PK type fail. Input: VT_{type.ToString().ToUpperInvariant()}, Meta: VT_{schema[i].Type.ToString().ToUpperInvariant()}, column: {column.Name}.");
            }
            var size = type switch
            {
                ColumnValueType.String => Encoding.UTF8.GetByteCount(column.Value.AsString()),
                ColumnValueType.Binary => column.Value.AsBinary().Length,
                _ => 0,
            };
            if (size > MaxKeyValueBytes)
            {
                throw OtsError.Invalid($"The length of primary key column: '{column.Name}' exceeded the MaxLength:{MaxKeyValueBytes} with CurrentLength:{size}.");
            }
        }
    }
}
