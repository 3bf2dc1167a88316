namespace JindoMeta.TableStore;

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
