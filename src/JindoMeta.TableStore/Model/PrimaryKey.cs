namespace JindoMeta.TableStore;

/// <summary>A primary-key column: its name and value.</summary>
public readonly record struct PrimaryKeyColumn(string Name, ColumnValue Value);

/// <summary>The primary key of a row: columns in schema order. Compares column by column.</summary>
public sealed class PrimaryKey : IReadOnlyList<PrimaryKeyColumn>, IEquatable<PrimaryKey>, IComparable<PrimaryKey>
{
    private readonly PrimaryKeyColumn[] _columns;

    public PrimaryKey(IEnumerable<PrimaryKeyColumn> columns)
    {
        _columns = columns.ToArray();
    }

    internal PrimaryKey(PrimaryKeyColumn[] columns, bool takeOwnership)
    {
        _ = takeOwnership;
        _columns = columns;
    }

    public static PrimaryKey Of(params (string Name, ColumnValue Value)[] columns) =>
        new(columns.Select(c => new PrimaryKeyColumn(c.Name, c.Value)).ToArray(), takeOwnership: true);

    public int Count => _columns.Length;

    public PrimaryKeyColumn this[int index] => _columns[index];

    public ColumnValue this[string name] =>
        _columns.FirstOrDefault(c => c.Name == name) is { Name: not null } found ? found.Value
            : throw new KeyNotFoundException($"the key has no column '{name}'");

    public int CompareTo(PrimaryKey? other)
    {
        if (other is null)
        {
            return 1;
        }
        var length = Math.Min(_columns.Length, other._columns.Length);
        for (var i = 0; i < length; i++)
        {
            var c = _columns[i].Value.CompareTo(other._columns[i].Value);
            if (c != 0)
            {
                return c;
            }
        }
        return _columns.Length.CompareTo(other._columns.Length);
    }

    public bool Equals(PrimaryKey? other) => other is not null && CompareTo(other) == 0 && NamesEqual(other);

    public override bool Equals(object? obj) => obj is PrimaryKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var column in _columns)
        {
            hash.Add(column.Value);
        }
        return hash.ToHashCode();
    }

    public IEnumerator<PrimaryKeyColumn> GetEnumerator() => ((IEnumerable<PrimaryKeyColumn>)_columns).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _columns.GetEnumerator();

    public override string ToString() => "(" + string.Join(", ", _columns.Select(c => c.Name + "=" + c.Value)) + ")";

    private bool NamesEqual(PrimaryKey other)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (_columns[i].Name != other._columns[i].Name)
            {
                return false;
            }
        }
        return true;
    }
}
