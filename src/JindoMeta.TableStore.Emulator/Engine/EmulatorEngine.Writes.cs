using Google.Protobuf;
using JindoMeta.TableStore.Emulator.Storage;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    private const int MaxColumnsPerWrite = 1024;
    private const int MaxAttributeValueBytes = 2 * 1024 * 1024;
    private const int MaxRowBytes = 4 * 1024 * 1024;

    private readonly List<RowImage> _pendingLog = [];

    private PutRowResponse PutRow(PutRowRequest request)
    {
        var (consumed, row) = SingleRowWrite(request.TableName, OperationType.Put, request.Row, request.Condition, request.ReturnContent,
            request.HasTransactionId ? request.TransactionId : null);
        var reply = new PutRowResponse { Consumed = consumed };
        if (row is not null)
        {
            reply.Row = row;
        }

        return reply;
    }

    private UpdateRowResponse UpdateRow(UpdateRowRequest request)
    {
        var (consumed, row) = SingleRowWrite(request.TableName, OperationType.Update, request.RowChange, request.Condition, request.ReturnContent,
            request.HasTransactionId ? request.TransactionId : null);
        var reply = new UpdateRowResponse { Consumed = consumed };
        if (row is not null)
        {
            reply.Row = row;
        }

        return reply;
    }

    private DeleteRowResponse DeleteRow(DeleteRowRequest request)
    {
        var (consumed, row) = SingleRowWrite(request.TableName, OperationType.Delete, request.PrimaryKey, request.Condition, request.ReturnContent,
            request.HasTransactionId ? request.TransactionId : null);
        var reply = new DeleteRowResponse { Consumed = consumed };
        if (row is not null)
        {
            reply.Row = row;
        }

        return reply;
    }

    /// <summary>PutRow, UpdateRow and DeleteRow alike: one checked write, logged, with the capacity it used and the returned row.</summary>
    private (Protocol.ConsumedCapacity Consumed, ByteString? Row) SingleRowWrite(
        string tableName, OperationType type, ByteString rowBytes, Condition condition, ReturnContent? returnContent, string? transactionId)
    {
        var transaction = TransactionFor(transactionId);
        var (cu, returned) = WriteRow(Table(tableName), type, rowBytes, condition, returnContent, transaction);
        FlushLog();
        return (ProtocolMapper.ToConsumed(0, cu), returned is null ? null : ByteString.CopyFrom(returned));
    }

    /// <summary>Checks and applies one row write in memory (or in the transaction's overlay); queues its log record.</summary>
    private (int WriteCapacity, byte[]? ReturnedRow) WriteRow(
        EmulatedTable table, OperationType type, ByteString rowBytes, Condition condition, ReturnContent? returnContent, LocalTransaction? transaction)
    {
        PlainBufferRow row;
        try
        {
            row = PlainBufferReader.ReadSingleRow(rowBytes.Span);
        }
        catch (PlainBufferException e)
        {
            throw OtsError.Invalid("Invalid PlainBuffer row: " + e.Message);
        }
        ValidateRowShape(type, row);
        table.ValidateKey(row.Key, type == OperationType.Put ? KeyUse.Write : KeyUse.Read);
        var now = NowMillis;
        var key = ResolveAutoIncrement(table, row.Key, now);
        CheckPartitionAccess(table, key, transaction);

        var existing = Current(table, key, transaction);
        if (!Enum.IsDefined(condition.RowExistence))
        {
            throw OtsError.Invalid("Invalid row existence expectation.");
        }
        var existenceOk = condition.RowExistence switch
        {
            RowExistenceExpectation.ExpectExist => existing is not null,
            RowExistenceExpectation.ExpectNotExist => existing is null,
            _ => true,
        };
        if (condition.HasColumnCondition && !condition.ColumnCondition.IsEmpty)
        {
            ColumnCondition columnCondition;
            try
            {
                columnCondition = ProtocolMapper.DecodeFilter(condition.ColumnCondition);
            }
            catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
            {
                throw OtsError.Invalid("Invalid column condition: " + e.Message);
            }
            ConditionEvaluator.ValidateForWrite(columnCondition);
            existenceOk = existenceOk && ConditionEvaluator.Matches(columnCondition, existing);
        }
        if (!existenceOk)
        {
            throw new OtsError(TableStoreErrorCodes.ConditionCheckFail, "Condition check failed.");
        }
        if (type == OperationType.Update && table.Schema.AllowUpdate == false)
        {
            throw OtsError.Invalid("UpdateRow is not allowed on this table (allow_update = false).");
        }

        var maxVersions = table.Schema.MaxVersions;
        StoredRow? result;
        switch (type)
        {
            case OperationType.Put:
                result = new StoredRow(key);
                foreach (var cell in row.Cells)
                {
                    result.PutVersion(cell.Name, new CellVersion(CellTimestamp(table, cell, now), cell.Value!.Value), maxVersions);
                }
                break;
            case OperationType.Update:
                result = existing?.Clone() ?? new StoredRow(key);
                foreach (var cell in row.Cells)
                {
                    ApplyCell(table, result, cell, now, maxVersions);
                }
                break;
            default:
                result = null;
                break;
        }
        var size = result?.ApproximateSize() ?? 0;
        if (size > MaxRowBytes)
        {
            throw new OtsError(TableStoreErrorCodes.OutOfRowSizeLimit, $"The total size of the row exceeds the limit {MaxRowBytes}.");
        }
        Apply(table, key, result, transaction);
        return (Math.Max(1, (size + 4095) / 4096), ReturnedRow(returnContent, key, result));
    }

    private static void ValidateRowShape(OperationType type, PlainBufferRow row)
    {
        if (!Enum.IsDefined(type))
        {
            throw OtsError.Invalid($"Invalid operation type {(int)type}.");
        }
        if (row.Cells.Length > MaxColumnsPerWrite)
        {
            throw new OtsError(TableStoreErrorCodes.OutOfColumnCountLimit, $"The number of attribute columns exceeds the limit, limit count: {MaxColumnsPerWrite}, column count: {row.Cells.Length}.");
        }
        if (type == OperationType.Delete)
        {
            if (row.Cells.Length > 0)
            {
                throw OtsError.Invalid("DeleteRow must not carry attribute columns.");
            }
            return;
        }
        if (row.DeleteMarker)
        {
            throw OtsError.Invalid("The delete row marker is only allowed in DeleteRow.");
        }
        foreach (var cell in row.Cells)
        {
            ValidateName(cell.Name, "attribute column");
            if (type == OperationType.Put && (cell.Operation != 0 || cell.Value is null))
            {
                throw OtsError.Invalid($"PutRow column '{cell.Name}' must have a value and no operation.");
            }
            if (cell.Value is { } value)
            {
                if (value.Type is ColumnValueType.InfMin or ColumnValueType.InfMax or ColumnValueType.AutoIncrement or ColumnValueType.Null)
                {
                    throw OtsError.Invalid($"Invalid value type {value.Type} for attribute column '{cell.Name}'.");
                }
                if (value.PayloadLength - 4 > MaxAttributeValueBytes)
                {
                    throw OtsError.Invalid($"The length of attribute column: '{cell.Name}' exceeds the MaxLength:{MaxAttributeValueBytes} with CurrentLength:{value.PayloadLength - 4}.");
                }
            }
            var shapeOk = cell.CellOperation switch
            {
                CellOperation.Put => cell.Value is not null,
                CellOperation.DeleteAllVersions => cell.Value is null && cell.Timestamp is null,
                CellOperation.DeleteOneVersion => cell.Value is null && cell.Timestamp is not null,
                CellOperation.Increment => cell.Value is { Type: ColumnValueType.Integer } && cell.Timestamp is null,
                _ => false,
            };
            if (!shapeOk)
            {
                throw OtsError.Invalid($"Invalid update of column '{cell.Name}': {cell.CellOperation} with the wrong value or timestamp.");
            }
        }
    }

    private void ApplyCell(EmulatedTable table, StoredRow row, PlainBufferCell cell, long now, int maxVersions)
    {
        switch (cell.CellOperation)
        {
            case CellOperation.Put:
                row.PutVersion(cell.Name, new CellVersion(CellTimestamp(table, cell, now), cell.Value!.Value), maxVersions);
                break;
            case CellOperation.DeleteAllVersions:
                row.Columns.Remove(cell.Name);
                break;
            case CellOperation.DeleteOneVersion:
                if (row.Columns.TryGetValue(cell.Name, out var versions))
                {
                    versions.RemoveAll(v => v.Timestamp == cell.Timestamp);
                    if (versions.Count == 0)
                    {
                        row.Columns.Remove(cell.Name);
                    }
                }
                break;
            case CellOperation.Increment:
                long current = 0;
                if (row.Columns.TryGetValue(cell.Name, out var existing) && existing.Count > 0)
                {
                    if (existing[0].Value.Type != ColumnValueType.Integer)
                    {
                        throw OtsError.Invalid($"Column '{cell.Name}' is not an INTEGER and cannot be incremented.");
                    }
                    current = existing[0].Value.AsInteger();
                }
                row.PutVersion(cell.Name, new CellVersion(Math.Max(now, (existing?.Count ?? 0) > 0 ? existing![0].Timestamp + 1 : now), ColumnValue.Integer(unchecked(current + cell.Value!.Value.AsInteger()))), maxVersions);
                break;
            default:
                break;
        }
    }

    private static long CellTimestamp(EmulatedTable table, PlainBufferCell cell, long now)
    {
        if (cell.Timestamp is not { } timestamp)
        {
            return now;
        }
        var deviation = (table.Schema.DeviationCellVersionInSeconds ?? 86400) * 1000;
        if (timestamp < 0 || Math.Abs(timestamp - now) > deviation)
        {
            throw OtsError.Invalid($"The timestamp {timestamp} of column '{cell.Name}' is out of the allowed range (deviation {deviation / 1000} s).");
        }
        return timestamp;
    }

    private PrimaryKey ResolveAutoIncrement(EmulatedTable table, PrimaryKey key, long now)
    {
        if (!key.Any(c => c.Value.Type == ColumnValueType.AutoIncrement))
        {
            return key;
        }
        var generated = table.NextAutoIncrement(now * 1000);
        return new PrimaryKey(key.Select(c => c.Value.Type == ColumnValueType.AutoIncrement ? c with { Value = ColumnValue.Integer(generated) } : c));
    }

    private static byte[]? ReturnedRow(ReturnContent? content, PrimaryKey key, StoredRow? row)
    {
        if (content is null || !content.HasReturnType || content.ReturnType == ReturnType.RtNone)
        {
            return null;
        }
        if (content.ReturnType == ReturnType.RtPk || row is null)
        {
            return PlainBufferWriter.EncodeKey(key);
        }
        var wanted = new HashSet<string>(content.ReturnColumnNames, StringComparer.Ordinal);
        var columns = new List<Column>();
        foreach (var (name, versions) in row.Columns)
        {
            if (wanted.Contains(name) && versions.Count > 0)
            {
                columns.Add(new Column(name, versions[0].Value, versions[0].Timestamp));
            }
        }
        return PlainBufferWriter.EncodeRow(key, columns);
    }

    private StoredRow? Current(EmulatedTable table, PrimaryKey key, LocalTransaction? transaction)
    {
        if (transaction is not null && transaction.Overlay.TryGetValue(key, out var pending))
        {
            return pending;
        }
        return table.Find(key);
    }

    private void Apply(EmulatedTable table, PrimaryKey key, StoredRow? row, LocalTransaction? transaction)
    {
        if (transaction is not null)
        {
            transaction.Overlay[key] = row;
            return;
        }
        Store(table, key, row);
    }

    private void Store(EmulatedTable table, PrimaryKey key, StoredRow? row)
    {
        if (row is null)
        {
            table.Remove(key);
        }
        else
        {
            table.Store(row);
        }
        if (_store is not null)
        {
            _pendingLog.Add(new RowImage(table.Schema.Name, key, row is null ? null : PlainBufferWriter.EncodeRow(key, row.ToColumns())));
        }
    }

    /// <summary>One synced write per request, before the reply: acknowledged means on disk.</summary>
    private void FlushLog()
    {
        if (_store is null || _pendingLog.Count == 0)
        {
            return;
        }
        _store.WriteRows(_pendingLog);
        _pendingLog.Clear();
    }
}
