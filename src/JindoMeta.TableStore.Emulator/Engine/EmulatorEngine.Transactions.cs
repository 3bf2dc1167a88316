using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    private readonly Dictionary<string, LocalTransaction> _transactions = new(StringComparer.Ordinal);
    private long _transactionSequence;

    private StartLocalTransactionResponse StartLocalTransaction(StartLocalTransactionRequest request)
    {
        var table = Table(request.TableName);
        if (_options.RequireLocalTransactionFlag && !table.Schema.EnableLocalTransaction)
        {
            throw OtsError.Invalid("Local transaction is not enabled on this table.");
        }
        if (table.Schema.PrimaryKey.Any(c => c.AutoIncrement))
        {
            throw OtsError.Invalid("Local transactions cannot be used on a table with an auto-increment primary key column.");
        }
        PlainBufferRow key;
        try
        {
            key = PlainBufferReader.ReadSingleRow(request.Key.Span);
        }
        catch (PlainBufferException e)
        {
            throw OtsError.Invalid("Invalid PlainBuffer transaction key: " + e.Message);
        }
        var partition = table.Schema.PrimaryKey[0];
        if (key.Key.Count != 1 || key.Key[0].Name != partition.Name || key.Cells.Length > 0)
        {
            throw OtsError.Invalid($"The transaction key must hold exactly the partition key column '{partition.Name}'.");
        }
        var value = key.Key[0].Value;
        ExpireTransactions();
        if (_transactions.Values.Any(t => t.Table == table.Schema.Name && t.PartitionValue == value))
        {
            throw new OtsError(TableStoreErrorCodes.RowOperationConflict, "Data is being modified by the other request.");
        }
        var id = $"{_time.GetUtcNow().ToUnixTimeMilliseconds():x12}-{++_transactionSequence:x8}";
        _transactions.Add(id, new LocalTransaction(id, table.Schema.Name, value, _time.GetUtcNow() + _options.TransactionTimeout));
        return new StartLocalTransactionResponse { TransactionId = id };
    }

    private CommitTransactionResponse CommitTransaction(CommitTransactionRequest request)
    {
        var transaction = TransactionFor(request.TransactionId)!;
        _transactions.Remove(transaction.Id);
        if (_tables.TryGetValue(transaction.Table, out var table))
        {
            foreach (var (key, row) in transaction.Overlay)
            {
                Store(table, key, row);
            }
        }
        return new CommitTransactionResponse();
    }

    private AbortTransactionResponse AbortTransaction(AbortTransactionRequest request)
    {
        var transaction = TransactionFor(request.TransactionId)!;
        _transactions.Remove(transaction.Id);
        return new AbortTransactionResponse();
    }

    /// <summary>The live transaction for an id (null for none); unknown or expired ids are invalid.</summary>
    private LocalTransaction? TransactionFor(string? id)
    {
        if (id is null)
        {
            return null;
        }
        ExpireTransactions();
        return _transactions.TryGetValue(id, out var transaction)
            ? transaction
            : throw OtsError.Invalid("TransactionID is invalid.");
    }

    /// <summary>Inside a transaction only its partition; outside, never a partition a transaction holds.</summary>
    private void CheckPartitionAccess(EmulatedTable table, PrimaryKey key, LocalTransaction? transaction)
    {
        var partition = key[0].Value;
        if (transaction is not null)
        {
            if (transaction.Table != table.Schema.Name || transaction.PartitionValue != partition)
            {
                throw OtsError.Invalid("The row is outside the partition key of the transaction.");
            }
            return;
        }
        if (_transactions.Count == 0)
        {
            return;
        }
        ExpireTransactions();
        foreach (var other in _transactions.Values)
        {
            if (other.Table == table.Schema.Name && other.PartitionValue == partition)
            {
                throw new OtsError(TableStoreErrorCodes.RowOperationConflict, "Data is being modified by the other request.");
            }
        }
    }

    private void ExpireTransactions()
    {
        if (_transactions.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow();
        foreach (var expired in _transactions.Values.Where(t => t.Expires <= now).ToArray())
        {
            _transactions.Remove(expired.Id);
        }
    }

    private void AbortTransactionsOf(string table)
    {
        foreach (var transaction in _transactions.Values.Where(t => t.Table == table).ToArray())
        {
            _transactions.Remove(transaction.Id);
        }
    }
}
