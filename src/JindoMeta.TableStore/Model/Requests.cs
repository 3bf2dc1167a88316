namespace JindoMeta.TableStore;

/// <summary>Options of GetRow, BatchGetRow and GetRange. With no time range, one version is read.</summary>
public sealed record ReadOptions
{
    public static ReadOptions Default { get; } = new();

    /// <summary>Attribute columns to return; empty = all.</summary>
    public IReadOnlyList<string> ColumnsToGet { get; init; } = [];

    public int? MaxVersions { get; init; }

    /// <summary>Epoch-millisecond range [start, end) of versions to read.</summary>
    public (long Start, long End)? TimeRange { get; init; }

    public ColumnCondition? Filter { get; init; }

    public string? TransactionId { get; init; }
}

/// <summary>Result of a single-row call: the row (absent when not found or not requested) and the capacity used.</summary>
public sealed record RowResult(Row? Row, ConsumedCapacity Consumed);

public enum Direction
{
    Forward = 0,
    Backward = 1,
}

/// <summary>A range read: start inclusive, end exclusive (INF_MIN / INF_MAX allowed); Limit caps rows per request.</summary>
public sealed record RangeQuery(string Table, PrimaryKey InclusiveStart, PrimaryKey ExclusiveEnd)
{
    public Direction Direction { get; init; } = Direction.Forward;

    public int? Limit { get; init; }

    public ReadOptions Options { get; init; } = ReadOptions.Default;
}

/// <summary>One GetRange reply: its rows and where the next request starts (null at the end).</summary>
public sealed record RangePage(IReadOnlyList<Row> Rows, PrimaryKey? NextStart, ConsumedCapacity Consumed);

/// <summary>One row change of a BatchWriteRow.</summary>
public abstract record RowChange(string Table, PrimaryKey Key)
{
    public RowCondition Condition { get; init; } = RowCondition.Ignore;

    public ReturnKind Return { get; init; } = ReturnKind.None;

    public IReadOnlyList<string> ReturnColumns { get; init; } = [];
}

public sealed record RowPutChange(string Table, PrimaryKey Key, IReadOnlyList<Column> Columns) : RowChange(Table, Key);

public sealed record RowUpdateChange(string Table, PrimaryKey Key, IReadOnlyList<ColumnUpdate> Updates) : RowChange(Table, Key);

public sealed record RowDeleteChange(string Table, PrimaryKey Key) : RowChange(Table, Key);

/// <summary>The outcome of one row of a batch, in request order.</summary>
public sealed record BatchRowResult(string Table, int Index, bool IsOk, string? ErrorCode, string? ErrorMessage, Row? Row, ConsumedCapacity Consumed);

/// <summary>The keys of one table in a BatchGetRow.</summary>
public sealed record BatchGetTable(string Table, IReadOnlyList<PrimaryKey> Keys)
{
    public ReadOptions Options { get; init; } = ReadOptions.Default;
}
