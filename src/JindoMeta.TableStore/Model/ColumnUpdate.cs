namespace JindoMeta.TableStore;

/// <summary>What an UpdateRow cell does to its column.</summary>
public enum CellOperation
{
    Put,
    DeleteAllVersions,
    DeleteOneVersion,
    Increment,
}

/// <summary>One cell of an UpdateRow / BatchWriteRow UPDATE.</summary>
public readonly record struct ColumnUpdate(string Name, CellOperation Operation, ColumnValue? Value, long? Timestamp)
{
    public static ColumnUpdate Put(string name, ColumnValue value, long? timestamp = null) => new(name, CellOperation.Put, value, timestamp);

    public static ColumnUpdate DeleteAllVersions(string name) => new(name, CellOperation.DeleteAllVersions, null, null);

    public static ColumnUpdate DeleteVersion(string name, long timestamp) => new(name, CellOperation.DeleteOneVersion, null, timestamp);

    public static ColumnUpdate Increment(string name, long delta) => new(name, CellOperation.Increment, ColumnValue.Integer(delta), null);
}
