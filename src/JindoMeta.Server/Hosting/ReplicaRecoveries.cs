using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Recovery mode (<see cref="ConfigKeys.RocksDbRecoveryMode"/>, <see cref="ConfigKeys.RaftRecoveryMode"/>): one
/// <see cref="ReplicaRecovery"/> per namespace, all at once: on rocksdb one that runs from the start, on raft one that runs
/// while this node leads (<see cref="LeaderOnlyRecovery"/>). A recovery stopped by shutdown resumes at the next start.
/// </summary>
public static class ReplicaRecoveries
{
    /// <summary>
    /// Rows per GetRange page on raft, hence per replicated load entry. 1000 rows of a typical tree are ~100 KB, an append
    /// well under the raft message budget (1 MiB); the service's own 5000-row pages would be ~0.5 MB entries, and a page
    /// of big file records up to its 4 MB cap either way, which the peer transport still carries (32 MiB messages).
    /// </summary>
    public const int RaftPageRows = 1000;

    public static ReplicaJobs<INamespaceRecovery> Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers) =>
        ReplicaJobs<INamespaceRecovery>.Start(settings.Recovery, registry, (name, backend, client) =>
        {
            var options = new ReplicaRecoveryOptions
            {
                Namespace = name,
                WriterQuietPeriod = settings.RecoveryWriterQuiet,
                Secrets = [settings.Recovery!.AccessKeySecret, settings.Recovery.SecurityToken ?? ""],
            };
            var logger = loggers.CreateLogger("JindoMeta.Replication.ReplicaRecovery");
            return backend switch
            {
                RaftNamespaceBackend raft => LeaderOnlyRecovery.Start(raft, client, options with { PageRows = RaftPageRows }, logger),
                IRecoveryTarget target => LocalStoreRecovery.Start(new ReplicaRecovery(target, client, options, logger)),
                _ => null,
            };
        });
}
