using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>What a read returns of a row: columns, versions, time range, filter.</summary>
internal sealed class ReadSpec
{
    private const int MaxColumnsToGet = 128;

    private readonly HashSet<string>? _columns;
    private readonly int _maxVersions;
    private readonly long _start;
    private readonly long _end;
    private readonly ColumnCondition? _filter;

    private ReadSpec(HashSet<string>? columns, int maxVersions, long start, long end, ColumnCondition? filter)
    {
        _columns = columns;
        _maxVersions = maxVersions;
        _start = start;
        _end = end;
        _filter = filter;
    }

    public static ReadSpec From(IList<string> columnsToGet, TimeRange? timeRange, int? maxVersions, Google.Protobuf.ByteString? filter)
    {
        if (columnsToGet.Count > MaxColumnsToGet)
        {
            throw OtsError.Invalid($"The number of columns to get exceeds the limit {MaxColumnsToGet}.");
        }
        if (timeRange is null && maxVersions is null)
        {
            throw OtsError.Invalid("MaxVersions or TimeRange must be set.");
        }
        if (maxVersions is <= 0)
        {
            throw OtsError.Invalid("MaxVersions must be greater than 0.");
        }
        long start = long.MinValue, end = long.MaxValue;
        if (timeRange is not null)
        {
            if (timeRange.HasSpecificTime)
            {
                start = timeRange.SpecificTime;
                end = timeRange.SpecificTime + 1;
            }
            else if (timeRange.HasStartTime && timeRange.HasEndTime && timeRange.StartTime < timeRange.EndTime && timeRange.StartTime >= 0)
            {
                start = timeRange.StartTime;
                end = timeRange.EndTime;
            }
            else
            {
                throw OtsError.Invalid("Invalid time range: give start_time < end_time, or specific_time.");
            }
        }
        ColumnCondition? condition = null;
        if (filter is { IsEmpty: false })
        {
            try
            {
                condition = ProtocolMapper.DecodeFilter(filter);
            }
            catch (Exception e) when (e is FormatException or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw OtsError.Invalid("Invalid filter: " + e.Message);
            }
        }
        var columns = columnsToGet.Count == 0 ? null : new HashSet<string>(columnsToGet, StringComparer.Ordinal);
        return new ReadSpec(columns, maxVersions ?? int.MaxValue, start, end, condition);
    }

    /// <summary>Fills <paramref name="cells"/> with what to return; false when the filter rejects the row.</summary>
    public bool Project(StoredRow row, List<Column> cells)
    {
        cells.Clear();
        if (_filter is not null && _filter is not ColumnPaginationCondition && !ConditionEvaluator.Matches(_filter, row))
        {
            return false;
        }
        var names = row.Columns.Keys;
        var values = row.Columns.Values;
        var columnIndex = 0;
        for (var c = 0; c < names.Count; c++)
        {
            var name = names[c];
            if (_columns is not null && !_columns.Contains(name))
            {
                continue;
            }
            if (_filter is ColumnPaginationCondition page && (columnIndex < page.Offset || columnIndex >= page.Offset + page.Limit))
            {
                columnIndex++;
                continue;
            }
            columnIndex++;
            var taken = 0;
            foreach (var version in values[c])
            {
                if (taken == _maxVersions)
                {
                    break;
                }
                if (version.Timestamp >= _start && version.Timestamp < _end)
                {
                    cells.Add(new Column(name, version.Value, version.Timestamp));
                    taken++;
                }
            }
        }
        return true;
    }
}
