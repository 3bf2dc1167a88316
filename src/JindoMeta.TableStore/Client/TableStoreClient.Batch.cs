using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore;

public sealed partial class TableStoreClient
{
    /// <summary>
    /// Writes up to 200 rows (any tables). Per-row failures come back in the results (request order), not as
    /// exceptions; only request-level failures throw.
    /// </summary>
    public async Task<IReadOnlyList<BatchRowResult>> BatchWriteRowAsync(IReadOnlyList<RowChange> changes, string? transactionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var request = new BatchWriteRowRequest();
        var tableIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var positions = new List<(int Table, int Row)>(changes.Count);
        foreach (var change in changes)
        {
            if (!tableIndex.TryGetValue(change.Table, out var t))
            {
                t = request.Tables.Count;
                tableIndex.Add(change.Table, t);
                request.Tables.Add(new TableInBatchWriteRowRequest { TableName = change.Table });
            }
            var rows = request.Tables[t].Rows;
            positions.Add((t, rows.Count));
            var (type, bytes) = change switch
            {
                RowPutChange put => (OperationType.Put, PlainBufferWriter.EncodeRow(put.Key, put.Columns)),
                RowUpdateChange update => (OperationType.Update, PlainBufferWriter.EncodeUpdate(update.Key, update.Updates)),
                RowDeleteChange delete => (OperationType.Delete, PlainBufferWriter.EncodeDelete(delete.Key)),
                _ => throw new ArgumentException($"unsupported row change {change.GetType().Name}", nameof(changes)),
            };
            var row = new RowInBatchWriteRowRequest { Type = type, RowChange = Bytes(bytes), Condition = ToCondition(change.Condition) };
            if (ToReturnContent(change.Return, change.ReturnColumns) is { } content)
            {
                row.ReturnContent = content;
            }
            rows.Add(row);
        }
        if (transactionId is not null)
        {
            request.TransactionId = transactionId;
        }
        var reply = await CallAsync("BatchWriteRow", request, BatchWriteRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        var results = new BatchRowResult[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            var (t, r) = positions[i];
            if (t >= reply.Tables.Count || r >= reply.Tables[t].Rows.Count)
            {
                throw new TableStoreException("BatchWriteRow", TableStoreErrorCodes.ClientInvalidResponse, "the reply has fewer rows than the request", null, 200);
            }
            var row = reply.Tables[t].Rows[r];
            results[i] = new BatchRowResult(
                changes[i].Table, i, row.IsOk,
                row.Error?.Code, row.Error?.Message,
                row.HasRow ? DecodeRow("BatchWriteRow", row.Row) : null,
                ProtocolMapper.FromConsumed(row.Consumed));
        }
        return results;
    }

    /// <summary>Reads up to 100 rows; results are flattened in request order (table by table, key by key).</summary>
    public async Task<IReadOnlyList<BatchRowResult>> BatchGetRowAsync(IReadOnlyList<BatchGetTable> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var request = new BatchGetRowRequest();
        foreach (var table in tables)
        {
            var wire = new TableInBatchGetRowRequest { TableName = table.Table };
            foreach (var key in table.Keys)
            {
                wire.PrimaryKey.Add(Bytes(PlainBufferWriter.EncodeKey(key)));
            }
            var options = table.Options;
            wire.ColumnsToGet.Add(options.ColumnsToGet);
            if (options.TimeRange is { } range)
            {
                wire.TimeRange = new TimeRange { StartTime = range.Start, EndTime = range.End };
            }
            if (options.MaxVersions is not null || options.TimeRange is null)
            {
                wire.MaxVersions = options.MaxVersions ?? 1;
            }
            if (options.Filter is { } filter)
            {
                wire.Filter = ProtocolMapper.EncodeFilter(filter);
            }
            request.Tables.Add(wire);
        }
        var reply = await CallAsync("BatchGetRow", request, BatchGetRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        var results = new List<BatchRowResult>();
        for (var t = 0; t < tables.Count; t++)
        {
            if (t >= reply.Tables.Count || reply.Tables[t].Rows.Count != tables[t].Keys.Count)
            {
                throw new TableStoreException("BatchGetRow", TableStoreErrorCodes.ClientInvalidResponse, "the reply's rows do not match the request", null, 200);
            }
            foreach (var row in reply.Tables[t].Rows)
            {
                results.Add(new BatchRowResult(
                    tables[t].Table, results.Count, row.IsOk, row.Error?.Code, row.Error?.Message,
                    row.IsOk ? DecodeRow("BatchGetRow", row.Row) : null, ProtocolMapper.FromConsumed(row.Consumed)));
            }
        }
        return results;
    }
}
