namespace JindoMeta.TableStore;

public enum PrimaryKeyType
{
    Integer = 1,
    String = 2,
    Binary = 3,
}

public enum DefinedColumnType
{
    Integer = 1,
    Double = 2,
    Boolean = 3,
    String = 4,
    Blob = 7,
}

public enum TableStatus
{
    Active = 1,
    Inactive = 2,
    Loading = 3,
    Unloading = 4,
    Updating = 5,
}

/// <summary>A primary-key column of a table; at most one non-first INTEGER column may be auto-increment.</summary>
public sealed record PrimaryKeySchemaColumn(string Name, PrimaryKeyType Type, bool AutoIncrement = false);

/// <summary>A predefined attribute column.</summary>
public sealed record DefinedColumn(string Name, DefinedColumnType Type);

/// <summary>What CreateTable creates and DescribeTable reports.</summary>
public sealed record TableSchema(string Name, IReadOnlyList<PrimaryKeySchemaColumn> PrimaryKey)
{
    public IReadOnlyList<DefinedColumn> DefinedColumns { get; init; } = [];

    /// <summary>Seconds a version lives; -1 keeps data forever.</summary>
    public int TimeToLiveSeconds { get; init; } = -1;

    public int MaxVersions { get; init; } = 1;

    /// <summary>Largest allowed |cell timestamp - server time| in seconds.</summary>
    public long? DeviationCellVersionInSeconds { get; init; }

    public bool? AllowUpdate { get; init; }

    /// <summary>Needed before StartLocalTransaction works on this table.</summary>
    public bool EnableLocalTransaction { get; init; }

    public int ReservedReadCapacity { get; init; }

    public int ReservedWriteCapacity { get; init; }
}

/// <summary>DescribeTable's answer.</summary>
public sealed record TableDescription(TableSchema Schema, TableStatus Status, long LastIncreaseTime, long? CreationTime);

/// <summary>Capacity units a call consumed.</summary>
public readonly record struct ConsumedCapacity(int Read, int Write);
