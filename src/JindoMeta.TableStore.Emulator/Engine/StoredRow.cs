namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>One version of a cell.</summary>
internal readonly record struct CellVersion(long Timestamp, ColumnValue Value);

/// <summary>A stored row: key and, per column (ordinal name order), versions newest first.</summary>
internal sealed class StoredRow
{
    public StoredRow(PrimaryKey key)
    {
        Key = key;
    }

    public PrimaryKey Key { get; }

    // SortedList: index-based iteration allocates nothing (SortedDictionary's enumerator allocates a stack per row).
    public SortedList<string, List<CellVersion>> Columns { get; } = new(StringComparer.Ordinal);

    public StoredRow Clone()
    {
        var copy = new StoredRow(Key);
        foreach (var (name, versions) in Columns)
        {
            copy.Columns.Add(name, [.. versions]);
        }
        return copy;
    }

    public void PutVersion(string name, CellVersion version, int maxVersions)
    {
        if (!Columns.TryGetValue(name, out var versions))
        {
            versions = [];
            Columns.Add(name, versions);
        }
        var index = versions.FindIndex(v => v.Timestamp <= version.Timestamp);
        if (index < 0)
        {
            versions.Add(version);
        }
        else if (versions[index].Timestamp == version.Timestamp)
        {
            versions[index] = version;
        }
        else
        {
            versions.Insert(index, version);
        }
        if (versions.Count > maxVersions)
        {
            versions.RemoveRange(maxVersions, versions.Count - maxVersions);
        }
    }

    /// <summary>All versions as wire cells (newest first per column), as stored in the log and returned by reads.</summary>
    public List<Column> ToColumns()
    {
        var columns = new List<Column>();
        foreach (var (name, versions) in Columns)
        {
            foreach (var version in versions)
            {
                columns.Add(new Column(name, version.Value, version.Timestamp));
            }
        }
        return columns;
    }

    public int ApproximateSize()
    {
        var size = 0;
        foreach (var column in Key)
        {
            size += column.Name.Length + column.Value.PayloadLength;
        }
        foreach (var (name, versions) in Columns)
        {
            foreach (var version in versions)
            {
                size += name.Length + version.Value.PayloadLength + 8;
            }
        }
        return size;
    }
}

internal sealed class StoredRowKeyComparer : IComparer<StoredRow>
{
    public static StoredRowKeyComparer Instance { get; } = new();

    public int Compare(StoredRow? x, StoredRow? y) => x!.Key.CompareTo(y!.Key);
}
