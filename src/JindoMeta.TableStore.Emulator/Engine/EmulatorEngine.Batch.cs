using Google.Protobuf;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    private const int MaxBatchWriteRows = 200;

    private BatchWriteRowResponse BatchWriteRow(BatchWriteRowRequest request)
    {
        if (request.Tables.Count == 0)
        {
            throw OtsError.Invalid("No row is specified in BatchWriteRow.");
        }
        var total = request.Tables.Sum(t => t.Rows.Count);
        if (total > MaxBatchWriteRows)
        {
            throw OtsError.Invalid($"The total rows count exceeds the upper limit: {MaxBatchWriteRows}.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tableRequest in request.Tables)
        {
            if (tableRequest.Rows.Count == 0)
            {
                throw OtsError.Invalid($"No operation is specified for table: '{tableRequest.TableName}'.");
            }
            if (!seen.Add(tableRequest.TableName))
            {
                throw OtsError.Invalid($"Duplicated table name: '{tableRequest.TableName}'.");
            }
            Table(tableRequest.TableName);
        }
        var transaction = TransactionFor(request.HasTransactionId ? request.TransactionId : null);
        var reply = new BatchWriteRowResponse();
        foreach (var tableRequest in request.Tables)
        {
            var table = Table(tableRequest.TableName);
            var tableReply = new TableInBatchWriteRowResponse { TableName = tableRequest.TableName };
            foreach (var row in tableRequest.Rows)
            {
                var rowReply = new RowInBatchWriteRowResponse();
                try
                {
                    var (cu, returned) = WriteRow(table, row.Type, row.RowChange, row.Condition, row.ReturnContent, transaction);
                    rowReply.IsOk = true;
                    rowReply.Consumed = ProtocolMapper.ToConsumed(0, cu);
                    if (returned is not null)
                    {
                        rowReply.Row = UnsafeByteOperations.UnsafeWrap(returned);
                    }
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
}
