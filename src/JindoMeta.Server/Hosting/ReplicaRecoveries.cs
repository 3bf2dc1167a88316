using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Recovery mode (<see cref="ConfigKeys.RocksDbRecoveryMode"/>, <see cref="ConfigKeys.RaftRecoveryMode"/>): one
/// <see cref="ReplicaRecovery"/> per namespace, all at once, sharing one Tablestore client (none when the mode is off): on
/// rocksdb one that runs from the start, on raft one that runs while this node leads (<see cref="LeaderOnlyRecovery"/>).
/// Disposed before the backends, so none loads into a closed store; a recovery stopped that way resumes at the next start.
/// </summary>
public sealed class ReplicaRecoveries : IAsyncDisposable
{
    private readonly TableStoreClient? _client;

    /// <summary>
    /// Rows per GetRange page on raft, hence per replicated load entry. 1000 rows of a typical tree are ~100 KB, an append
    /// well under the raft message budget (1 MiB); the service's own 5000-row pages would be ~0.5 MB entries, and a page
    /// of big file records up to its 4 MB cap either way, which the peer transport still carries (32 MiB messages).
    /// </summary>
    public const int RaftPageRows = 1000;

    private ReplicaRecoveries(TableStoreClient? client, IReadOnlyDictionary<string, INamespaceRecovery> recoveries)
    {
        _client = client;
        ByNamespace = recoveries;
    }

    public static ReplicaRecoveries None { get; } = new(null, new Dictionary<string, INamespaceRecovery>());

    public IReadOnlyDictionary<string, INamespaceRecovery> ByNamespace { get; }

    public static ReplicaRecoveries Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers)
    {
        if (settings.Recovery is not { } source)
        {
            return None;
        }

        var client = new TableStoreClient(source);
        var recoveries = new Dictionary<string, INamespaceRecovery>(StringComparer.Ordinal);
        foreach (var (name, backend) in registry.Backends)
        {
            var options = new ReplicaRecoveryOptions
            {
                Namespace = name,
                WriterQuietPeriod = settings.RecoveryWriterQuiet,
                Secrets = [source.AccessKeySecret, source.SecurityToken ?? ""],
            };
            var logger = loggers.CreateLogger("JindoMeta.Replication.ReplicaRecovery");
            INamespaceRecovery? recovery = backend switch
            {
                RaftNamespaceBackend raft => LeaderOnlyRecovery.Start(raft, client, options with { PageRows = RaftPageRows }, logger),
                IRecoveryTarget target => LocalStoreRecovery.Start(new ReplicaRecovery(target, client, options, logger)),
                _ => null,
            };
            if (recovery is not null)
            {
                recoveries[name] = recovery;
            }
        }

        return new ReplicaRecoveries(client, recoveries);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var recovery in ByNamespace.Values)
        {
            await recovery.DisposeAsync().ConfigureAwait(false);
        }

        _client?.Dispose();
    }
}
