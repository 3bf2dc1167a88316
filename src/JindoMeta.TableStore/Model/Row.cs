namespace JindoMeta.TableStore;

/// <summary>A row: its primary key and attribute cells (several versions of a column are consecutive, newest first).</summary>
public sealed class Row
{
    public Row(PrimaryKey primaryKey, IReadOnlyList<Column> columns)
    {
        PrimaryKey = primaryKey;
        Columns = columns;
    }

    public PrimaryKey PrimaryKey { get; }

    public IReadOnlyList<Column> Columns { get; }

    /// <summary>The newest version of a column, or null when the row lacks it.</summary>
    public Column? GetColumn(string name)
    {
        foreach (var column in Columns)
        {
            if (column.Name == name)
            {
                return column;
            }
        }
        return null;
    }

    public override string ToString() => PrimaryKey + " {" + string.Join(", ", Columns.Select(c => c.Name + "=" + c.Value)) + "}";
}
