namespace JindoMeta.TableStore;

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
