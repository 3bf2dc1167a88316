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
