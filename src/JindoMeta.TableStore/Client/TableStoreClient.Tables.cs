using JindoMeta.TableStore.Protocol;
using Wire = JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore;

public sealed partial class TableStoreClient
{
    public async Task CreateTableAsync(TableSchema schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var request = new CreateTableRequest
        {
            TableMeta = ProtocolMapper.ToTableMeta(schema),
            ReservedThroughput = new ReservedThroughput
            {
                CapacityUnit = new CapacityUnit { Read = schema.ReservedReadCapacity, Write = schema.ReservedWriteCapacity },
            },
            TableOptions = ProtocolMapper.ToTableOptions(schema),
        };
        if (schema.EnableLocalTransaction)
        {
            request.EnableLocalTxn = true;
        }
        await CallAsync("CreateTable", request, CreateTableResponse.Parser, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CallAsync("ListTable", new ListTableRequest(), ListTableResponse.Parser, cancellationToken).ConfigureAwait(false);
        return reply.TableNames.ToArray();
    }

    public async Task<TableDescription> DescribeTableAsync(string table, CancellationToken cancellationToken = default)
    {
        var reply = await CallAsync("DescribeTable", new DescribeTableRequest { TableName = table }, DescribeTableResponse.Parser, cancellationToken).ConfigureAwait(false);
        var schema = ProtocolMapper.FromTableMeta(reply.TableMeta, reply.TableOptions) with
        {
            ReservedReadCapacity = reply.ReservedThroughputDetails.CapacityUnit.Read,
            ReservedWriteCapacity = reply.ReservedThroughputDetails.CapacityUnit.Write,
        };
        return new TableDescription(schema, (TableStore.TableStatus)reply.TableStatus, reply.ReservedThroughputDetails.LastIncreaseTime, reply.HasCreationTime ? reply.CreationTime : null);
    }

    public async Task DeleteTableAsync(string table, CancellationToken cancellationToken = default) =>
        await CallAsync("DeleteTable", new DeleteTableRequest { TableName = table }, DeleteTableResponse.Parser, cancellationToken).ConfigureAwait(false);

    public async Task<string> StartLocalTransactionAsync(string table, PrimaryKey partitionKey, CancellationToken cancellationToken = default)
    {
        var request = new StartLocalTransactionRequest { TableName = table, Key = Bytes(PlainBuffer.PlainBufferWriter.EncodeKey(partitionKey)) };
        var reply = await CallAsync("StartLocalTransaction", request, StartLocalTransactionResponse.Parser, cancellationToken).ConfigureAwait(false);
        return reply.TransactionId;
    }

    public async Task CommitTransactionAsync(string transactionId, CancellationToken cancellationToken = default) =>
        await CallAsync("CommitTransaction", new CommitTransactionRequest { TransactionId = transactionId }, CommitTransactionResponse.Parser, cancellationToken).ConfigureAwait(false);

    public async Task AbortTransactionAsync(string transactionId, CancellationToken cancellationToken = default) =>
        await CallAsync("AbortTransaction", new AbortTransactionRequest { TransactionId = transactionId }, AbortTransactionResponse.Parser, cancellationToken).ConfigureAwait(false);

    private static Google.Protobuf.ByteString Bytes(byte[] bytes) => Google.Protobuf.UnsafeByteOperations.UnsafeWrap(bytes);
}
