using Google.Protobuf;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;
using Wire = JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore;

public sealed partial class TableStoreClient
{
    public async Task<RowResult> GetRowAsync(string table, PrimaryKey key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ReadOptions.Default;
        var request = new GetRowRequest { TableName = table, PrimaryKey = Bytes(PlainBufferWriter.EncodeKey(key)) };
        request.ColumnsToGet.Add(options.ColumnsToGet);
        if (options.TimeRange is { } range)
        {
            request.TimeRange = new TimeRange { StartTime = range.Start, EndTime = range.End };
        }
        if (options.MaxVersions is not null || options.TimeRange is null)
        {
            request.MaxVersions = options.MaxVersions ?? 1;
        }
        if (options.Filter is { } filter)
        {
            request.Filter = ProtocolMapper.EncodeFilter(filter);
        }
        if (options.TransactionId is { } transaction)
        {
            request.TransactionId = transaction;
        }
        var reply = await CallAsync("GetRow", request, GetRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        return new RowResult(DecodeRow("GetRow", reply.Row), ProtocolMapper.FromConsumed(reply.Consumed));
    }

    public async Task<RowResult> PutRowAsync(
        string table,
        PrimaryKey key,
        IReadOnlyList<Column> columns,
        RowCondition? condition = null,
        ReturnKind returnKind = ReturnKind.None,
        string? transactionId = null,
        CancellationToken cancellationToken = default)
    {
        var request = new PutRowRequest
        {
            TableName = table,
            Row = Bytes(PlainBufferWriter.EncodeRow(key, columns)),
            Condition = ToCondition(condition),
        };
        if (ToReturnContent(returnKind, []) is { } content)
        {
            request.ReturnContent = content;
        }
        if (transactionId is not null)
        {
            request.TransactionId = transactionId;
        }
        var reply = await CallAsync("PutRow", request, PutRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        return new RowResult(DecodeRow("PutRow", reply.Row), ProtocolMapper.FromConsumed(reply.Consumed));
    }

    public async Task<RowResult> UpdateRowAsync(
        string table,
        PrimaryKey key,
        IReadOnlyList<ColumnUpdate> updates,
        RowCondition? condition = null,
        ReturnKind returnKind = ReturnKind.None,
        IReadOnlyList<string>? returnColumns = null,
        string? transactionId = null,
        CancellationToken cancellationToken = default)
    {
        var request = new UpdateRowRequest
        {
            TableName = table,
            RowChange = Bytes(PlainBufferWriter.EncodeUpdate(key, updates)),
            Condition = ToCondition(condition),
        };
        if (ToReturnContent(returnKind, returnColumns ?? []) is { } content)
        {
            request.ReturnContent = content;
        }
        if (transactionId is not null)
        {
            request.TransactionId = transactionId;
        }
        var reply = await CallAsync("UpdateRow", request, UpdateRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        return new RowResult(DecodeRow("UpdateRow", reply.Row), ProtocolMapper.FromConsumed(reply.Consumed));
    }

    public async Task<RowResult> DeleteRowAsync(
        string table,
        PrimaryKey key,
        RowCondition? condition = null,
        string? transactionId = null,
        CancellationToken cancellationToken = default)
    {
        var request = new DeleteRowRequest
        {
            TableName = table,
            PrimaryKey = Bytes(PlainBufferWriter.EncodeDelete(key)),
            Condition = ToCondition(condition),
        };
        if (transactionId is not null)
        {
            request.TransactionId = transactionId;
        }
        var reply = await CallAsync("DeleteRow", request, DeleteRowResponse.Parser, cancellationToken).ConfigureAwait(false);
        return new RowResult(DecodeRow("DeleteRow", reply.Row), ProtocolMapper.FromConsumed(reply.Consumed));
    }

    private static Wire.Condition ToCondition(RowCondition? condition)
    {
        condition ??= RowCondition.Ignore;
        var wire = new Wire.Condition { RowExistence = (RowExistenceExpectation)condition.Existence };
        if (condition.ColumnCondition is { } column)
        {
            wire.ColumnCondition = ProtocolMapper.EncodeFilter(column);
        }
        return wire;
    }

    private static ReturnContent? ToReturnContent(ReturnKind kind, IReadOnlyList<string> columns)
    {
        if (kind == ReturnKind.None)
        {
            return null;
        }
        var content = new ReturnContent { ReturnType = (ReturnType)kind };
        content.ReturnColumnNames.Add(columns);
        return content;
    }

    private static Row? DecodeRow(string operation, ByteString bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }
        try
        {
            return PlainBufferReader.ReadSingleRow(bytes.Span).ToRow();
        }
        catch (PlainBufferException e)
        {
            throw new TableStoreException(operation, TableStoreErrorCodes.ClientInvalidResponse, "bad row in the reply: " + e.Message, null, 200, e);
        }
    }
}
