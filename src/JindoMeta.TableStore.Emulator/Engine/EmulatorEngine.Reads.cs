using Google.Protobuf;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    private const int MaxBatchGetRows = 100;
    private const int MaxRangeRows = 5000;
    private const int MaxRangeBytes = 4 * 1024 * 1024;

    private GetRowResponse GetRow(GetRowRequest request)
    {
        var table = Table(request.TableName);
        var transaction = TransactionFor(request.HasTransactionId ? request.TransactionId : null);
        var key = ParseKey(table, request.PrimaryKey, KeyUse.Read);
        if (transaction is not null)
        {
            CheckPartitionAccess(table, key, transaction);
        }
        var spec = ReadSpec.From(request.ColumnsToGet, request.TimeRange, request.HasMaxVersions ? request.MaxVersions : null, request.HasFilter ? request.Filter : null);
        var (bytes, cu) = ReadOne(table, key, spec, transaction);
        return new GetRowResponse { Consumed = ProtocolMapper.ToConsumed(cu, 0), Row = bytes };
    }

    private BatchGetRowResponse BatchGetRow(BatchGetRowRequest request)
    {
        var total = request.Tables.Sum(t => t.PrimaryKey.Count);
        if (total > MaxBatchGetRows)
        {
            throw OtsError.Invalid($"Rows count exceeds the upper limit: {MaxBatchGetRows}.");
        }
        if (request.Tables.Count == 0)
        {
            throw OtsError.Invalid("No row specified in the request of BatchGetRow.");
        }
        var reply = new BatchGetRowResponse();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tableRequest in request.Tables)
        {
            if (!seen.Add(tableRequest.TableName))
            {
                throw OtsError.Invalid($"Duplicated table name: '{tableRequest.TableName}'.");
            }
            if (tableRequest.PrimaryKey.Count == 0)
            {
                throw OtsError.Invalid($"No row specified in table: '{tableRequest.TableName}'.");
            }
            var table = Table(tableRequest.TableName);
            var spec = ReadSpec.From(tableRequest.ColumnsToGet, tableRequest.TimeRange, tableRequest.HasMaxVersions ? tableRequest.MaxVersions : null, tableRequest.HasFilter ? tableRequest.Filter : null);
            var tableReply = new TableInBatchGetRowResponse { TableName = tableRequest.TableName };
            foreach (var keyBytes in tableRequest.PrimaryKey)
            {
                var rowReply = new RowInBatchGetRowResponse();
                try
                {
                    var key = ParseKey(table, keyBytes, KeyUse.Read);
                    var (bytes, cu) = ReadOne(table, key, spec, null);
                    rowReply.IsOk = true;
                    rowReply.Row = bytes;
                    rowReply.Consumed = ProtocolMapper.ToConsumed(cu, 0);
                }
                catch (OtsError e)
                {
                    rowReply.IsOk = false;
                    rowReply.Error = new Error { Code = e.Code, Message = e.Message };
                }
                tableReply.Rows.Add(rowReply);
            }
            reply.Tables.Add(tableReply);
        }
        return reply;
    }

    private GetRangeResponse GetRange(GetRangeRequest request)
    {
        var table = Table(request.TableName);
        var transaction = TransactionFor(request.HasTransactionId ? request.TransactionId : null);
        var start = ParseKey(table, request.InclusiveStartPrimaryKey, KeyUse.RangeBound);
        var end = ParseKey(table, request.ExclusiveEndPrimaryKey, KeyUse.RangeBound);
        if (!Enum.IsDefined(request.Direction))
        {
            throw OtsError.Invalid("Invalid direction.");
        }
        var direction = (Direction)request.Direction;
        var order = start.CompareTo(end);
        if (direction == Direction.Forward && order >= 0)
        {
            throw OtsError.Invalid("Begin key must less than end key in FORWARD");
        }
        if (direction == Direction.Backward && order <= 0)
        {
            throw OtsError.Invalid("Begin key must more than end key in BACKWARD");
        }
        if (request.HasLimit && request.Limit <= 0)
        {
            throw OtsError.Invalid("The limit must be greater than 0.");
        }
        if (transaction is not null)
        {
            // Both bounds inside the transaction's partition: a transaction reads nothing outside it.
            CheckPartitionAccess(table, start, transaction);
            CheckPartitionAccess(table, end, transaction);
        }
        var spec = ReadSpec.From(request.ColumnsToGet, request.TimeRange, request.HasMaxVersions ? request.MaxVersions : null, request.HasFilter ? request.Filter : null);
        var limit = request.HasLimit ? Math.Min(request.Limit, MaxRangeRows) : MaxRangeRows;

        var writer = new PlainBufferWriter(64 * 1024);
        var returned = 0;
        var scanned = 0;
        PrimaryKey? next = null;
        var cells = new List<Column>();
        foreach (var stored in RangeWithOverlay(table, start, end, direction, transaction))
        {
            if (returned == limit || writer.Length >= MaxRangeBytes || scanned >= MaxRangeRows)
            {
                next = stored.Key;
                break;
            }
            scanned++;
            if (!spec.Project(stored, cells))
            {
                continue;
            }
            if (returned == 0)
            {
                writer.WriteHeader();
            }
            writer.WriteRow(stored.Key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cells), deleteMarker: false);
            returned++;
        }
        var reply = new GetRangeResponse
        {
            Consumed = ProtocolMapper.ToConsumed(Math.Max(1, (writer.Length + 4095) / 4096), 0),
            Rows = returned == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(writer.ToArray()),
        };
        if (next is not null)
        {
            reply.NextStartPrimaryKey = UnsafeByteOperations.UnsafeWrap(PlainBufferWriter.EncodeKey(next));
        }
        return reply;
    }

    private IEnumerable<StoredRow> RangeWithOverlay(EmulatedTable table, PrimaryKey start, PrimaryKey end, Direction direction, LocalTransaction? transaction)
    {
        if (transaction is null || transaction.Overlay.Count == 0)
        {
            return table.Range(start, end, direction);
        }
        // Small overlays: merge the transaction's own writes into a materialized range.
        var merged = new SortedDictionary<PrimaryKey, StoredRow?>();
        foreach (var row in table.Range(start, end, direction))
        {
            merged[row.Key] = row;
        }
        foreach (var (key, row) in transaction.Overlay)
        {
            var inRange = direction == Direction.Forward
                ? key.CompareTo(start) >= 0 && key.CompareTo(end) < 0
                : key.CompareTo(start) <= 0 && key.CompareTo(end) > 0;
            if (inRange)
            {
                merged[key] = row;
            }
        }
        var rows = merged.Values.Where(r => r is not null).Select(r => r!);
        return direction == Direction.Forward ? rows : rows.Reverse();
    }

    private (ByteString Row, int ReadCapacity) ReadOne(EmulatedTable table, PrimaryKey key, ReadSpec spec, LocalTransaction? transaction)
    {
        var stored = Current(table, key, transaction);
        var cells = new List<Column>();
        if (stored is null || !spec.Project(stored, cells))
        {
            return (ByteString.Empty, 1);
        }
        var bytes = PlainBufferWriter.EncodeRow(key, cells);
        return (UnsafeByteOperations.UnsafeWrap(bytes), Math.Max(1, (bytes.Length + 4095) / 4096));
    }

    private static PrimaryKey ParseKey(EmulatedTable table, ByteString bytes, KeyUse use)
    {
        PlainBufferRow row;
        try
        {
            row = PlainBufferReader.ReadSingleRow(bytes.Span);
        }
        catch (PlainBufferException e)
        {
            throw OtsError.Invalid("Invalid PlainBuffer primary key: " + e.Message);
        }
        if (row.Cells.Length > 0)
        {
            throw OtsError.Invalid("A primary key must not carry attribute columns.");
        }
        table.ValidateKey(row.Key, use);
        return row.Key;
    }
}
