namespace JindoMeta.TableStore;

public enum ComparisonOperator
{
    Equal = 1,
    NotEqual = 2,
    GreaterThan = 3,
    GreaterEqual = 4,
    LessThan = 5,
    LessEqual = 6,
}

public enum LogicalCombinator
{
    Not = 1,
    And = 2,
    Or = 3,
}

/// <summary>A column condition (write conditions) or row filter (reads).</summary>
public abstract record ColumnCondition;

/// <summary>
/// <c>column OP value</c>. <paramref name="PassIfMissing"/>: a row without the column passes (SDK default true).
/// <paramref name="LatestVersionOnly"/>: compare only the newest version.
/// </summary>
public sealed record SingleColumnCondition(
    string ColumnName,
    ComparisonOperator Operator,
    ColumnValue Value,
    bool PassIfMissing = true,
    bool LatestVersionOnly = true) : ColumnCondition;

/// <summary>NOT (one sub-condition), AND / OR (two or more).</summary>
public sealed record CompositeCondition(LogicalCombinator Combinator, IReadOnlyList<ColumnCondition> Conditions) : ColumnCondition
{
    public CompositeCondition(LogicalCombinator combinator, params ColumnCondition[] conditions)
        : this(combinator, (IReadOnlyList<ColumnCondition>)conditions)
    {
    }
}

/// <summary>Read filter returning a slice of a row's columns.</summary>
public sealed record ColumnPaginationCondition(int Offset, int Limit) : ColumnCondition;
