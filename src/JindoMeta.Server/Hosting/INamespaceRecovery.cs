using JindoMeta.Replication;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Hosting;

/// <summary>One namespace's recovery mode on this node, as `-metaStatus` and `-verifyReplica` see it.</summary>
public interface INamespaceRecovery : IAsyncDisposable
{
    /// <summary>The replica table read.</summary>
    string Table { get; }

    /// <summary>The client it reads with (a finished recovery's replica can be verified through it).</summary>
    TableStoreClient Client { get; }

    /// <summary>The recovery's status; on a raft node that does not lead, the replicated progress as <see cref="ReplicaRecovery.Standby"/>.</summary>
    RecoveryStatus GetStatus();
}
