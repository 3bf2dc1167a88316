using Google.Protobuf;
using JindoMeta.TableStore.PlainBuffer;

namespace JindoMeta.TableStore.Protocol;

/// <summary>Converts between the public model and the wire messages; shared by the client and the emulator.</summary>
internal static class ProtocolMapper
{
    public static ByteString EncodeFilter(ColumnCondition condition) => ByteString.CopyFrom(ToFilter(condition).ToByteArray());

    /// <summary>Decodes a serialized Filter; throws <see cref="InvalidProtocolBufferException"/> or <see cref="PlainBufferException"/>.</summary>
    public static ColumnCondition DecodeFilter(ByteString bytes, int depth = 0)
    {
        var filter = Filter.Parser.ParseFrom(bytes);
        return FromFilter(filter, depth);
    }

    public static TableMeta ToTableMeta(TableSchema schema)
    {
        var meta = new TableMeta { TableName = schema.Name };
        foreach (var column in schema.PrimaryKey)
        {
            var pk = new PrimaryKeySchema { Name = column.Name, Type = (Protocol.PrimaryKeyType)column.Type };
            if (column.AutoIncrement)
            {
                pk.Option = PrimaryKeyOption.AutoIncrement;
            }
            meta.PrimaryKey.Add(pk);
        }
        foreach (var column in schema.DefinedColumns)
        {
            meta.DefinedColumn.Add(new DefinedColumnSchema { Name = column.Name, Type = (Protocol.DefinedColumnType)column.Type });
        }
        return meta;
    }

    public static TableOptions ToTableOptions(TableSchema schema)
    {
        var options = new TableOptions { TimeToLive = schema.TimeToLiveSeconds, MaxVersions = schema.MaxVersions };
        if (schema.DeviationCellVersionInSeconds is { } deviation)
        {
            options.DeviationCellVersionInSec = deviation;
        }
        if (schema.AllowUpdate is { } allowUpdate)
        {
            options.AllowUpdate = allowUpdate;
        }
        return options;
    }

    public static TableSchema FromTableMeta(TableMeta meta, TableOptions? options)
    {
        var key = meta.PrimaryKey.Select(p => new PrimaryKeySchemaColumn(p.Name, (TableStore.PrimaryKeyType)p.Type, p.HasOption && p.Option == PrimaryKeyOption.AutoIncrement)).ToArray();
        return new TableSchema(meta.TableName, key)
        {
            DefinedColumns = meta.DefinedColumn.Select(d => new DefinedColumn(d.Name, (TableStore.DefinedColumnType)d.Type)).ToArray(),
            TimeToLiveSeconds = options is { HasTimeToLive: true } ? options.TimeToLive : -1,
            MaxVersions = options is { HasMaxVersions: true } ? options.MaxVersions : 1,
            DeviationCellVersionInSeconds = options is { HasDeviationCellVersionInSec: true } ? options.DeviationCellVersionInSec : null,
            AllowUpdate = options is { HasAllowUpdate: true } ? options.AllowUpdate : null,
        };
    }

    public static TableStore.ConsumedCapacity FromConsumed(Protocol.ConsumedCapacity? consumed) =>
        consumed?.CapacityUnit is { } unit ? new TableStore.ConsumedCapacity(unit.Read, unit.Write) : default;

    public static Protocol.ConsumedCapacity ToConsumed(int read, int write) =>
        new() { CapacityUnit = new CapacityUnit { Read = read, Write = write } };

    private static Filter ToFilter(ColumnCondition condition)
    {
        switch (condition)
        {
            case SingleColumnCondition single:
                var singleFilter = new SingleColumnValueFilter
                {
                    Comparator = (ComparatorType)single.Operator,
                    ColumnName = single.ColumnName,
                    ColumnValue = ByteString.CopyFrom(PlainBufferWriter.EncodeVariant(single.Value)),
                    FilterIfMissing = !single.PassIfMissing,
                    LatestVersionOnly = single.LatestVersionOnly,
                };
                return new Filter { Type = FilterType.FtSingleColumnValue, Filter_ = singleFilter.ToByteString() };
            case CompositeCondition composite:
                var compositeFilter = new CompositeColumnValueFilter { Combinator = (LogicalOperator)composite.Combinator };
                foreach (var sub in composite.Conditions)
                {
                    compositeFilter.SubFilters.Add(ToFilter(sub));
                }
                return new Filter { Type = FilterType.FtCompositeColumnValue, Filter_ = compositeFilter.ToByteString() };
            case ColumnPaginationCondition pagination:
                var paginationFilter = new ColumnPaginationFilter { Offset = pagination.Offset, Limit = pagination.Limit };
                return new Filter { Type = FilterType.FtColumnPagination, Filter_ = paginationFilter.ToByteString() };
            default:
                throw new ArgumentException($"unsupported condition type {condition.GetType().Name}", nameof(condition));
        }
    }

    private static ColumnCondition FromFilter(Filter filter, int depth)
    {
        if (depth > 32)
        {
            throw new FormatException("filter nesting is deeper than 32 levels");
        }
        if (!filter.HasType || !filter.HasFilter_)
        {
            throw new FormatException("filter lacks its type or body");
        }
        switch (filter.Type)
        {
            case FilterType.FtSingleColumnValue:
                var single = SingleColumnValueFilter.Parser.ParseFrom(filter.Filter_);
                if (!single.HasComparator || !single.HasColumnName || !single.HasColumnValue || !Enum.IsDefined(single.Comparator) || single.Comparator > ComparatorType.CtLessEqual)
                {
                    throw new FormatException("single column filter lacks a comparator, column name or value");
                }
                return new SingleColumnCondition(
                    single.ColumnName,
                    (ComparisonOperator)single.Comparator,
                    PlainBufferReader.ReadVariant(single.ColumnValue.Span),
                    PassIfMissing: !single.FilterIfMissing,
                    LatestVersionOnly: !single.HasLatestVersionOnly || single.LatestVersionOnly);
            case FilterType.FtCompositeColumnValue:
                var composite = CompositeColumnValueFilter.Parser.ParseFrom(filter.Filter_);
                var subs = composite.SubFilters.Select(f => FromFilter(f, depth + 1)).ToArray();
                var valid = composite.Combinator == LogicalOperator.LoNot ? subs.Length == 1 : subs.Length >= 2;
                if (!composite.HasCombinator || !Enum.IsDefined(composite.Combinator) || !valid)
                {
                    throw new FormatException("composite filter: NOT takes one sub-filter, AND/OR two or more");
                }
                return new CompositeCondition((LogicalCombinator)composite.Combinator, subs);
            case FilterType.FtColumnPagination:
                var pagination = ColumnPaginationFilter.Parser.ParseFrom(filter.Filter_);
                return new ColumnPaginationCondition(pagination.Offset, pagination.Limit);
            default:
                throw new FormatException($"unknown filter type {(int)filter.Type}");
        }
    }
}
