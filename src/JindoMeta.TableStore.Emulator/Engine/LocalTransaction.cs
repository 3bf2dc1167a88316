namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>
/// A local transaction: holds the lock on one partition-key value of one table and buffers its writes (read
/// committed: others see them only after commit).
/// </summary>
internal sealed class LocalTransaction(string id, string table, ColumnValue partitionValue, DateTimeOffset expires)
{
    public string Id { get; } = id;

    public string Table { get; } = table;

    public ColumnValue PartitionValue { get; } = partitionValue;

    public DateTimeOffset Expires { get; } = expires;

    public Dictionary<PrimaryKey, StoredRow?> Overlay { get; } = [];
}
