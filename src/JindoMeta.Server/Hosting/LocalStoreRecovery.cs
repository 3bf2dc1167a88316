using JindoMeta.Replication;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Hosting;

/// <summary>The rocksdb backend's recovery: the store is this node's alone, so its recovery runs from start to shutdown.</summary>
public sealed class LocalStoreRecovery(ReplicaRecovery recovery) : INamespaceRecovery
{
    public static LocalStoreRecovery Start(ReplicaRecovery recovery)
    {
        recovery.Start();
        return new LocalStoreRecovery(recovery);
    }

    public string Table => recovery.Table;

    public TableStoreClient Client => recovery.Client;

    public RecoveryStatus GetStatus() => recovery.GetStatus();

    public ValueTask DisposeAsync() => recovery.DisposeAsync();
}
