using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Recovery mode (<see cref="ConfigKeys.RocksDbRecoveryMode"/>): one <see cref="ReplicaRecovery"/> per namespace, all at
/// once, sharing one Tablestore client (none when the mode is off). Disposed before the backends, so none loads into a
/// closed store; a recovery stopped that way resumes at the next start.
/// </summary>
public sealed class ReplicaRecoveries : IAsyncDisposable
{
    private readonly TableStoreClient? _client;

    private ReplicaRecoveries(TableStoreClient? client, IReadOnlyDictionary<string, ReplicaRecovery> recoveries)
    {
        _client = client;
        ByNamespace = recoveries;
    }

    public static ReplicaRecoveries None { get; } = new(null, new Dictionary<string, ReplicaRecovery>());

    public IReadOnlyDictionary<string, ReplicaRecovery> ByNamespace { get; }

    public static ReplicaRecoveries Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers)
    {
        if (settings.Recovery is not { } source)
        {
            return None;
        }

        var client = new TableStoreClient(source);
        var recoveries = new Dictionary<string, ReplicaRecovery>(StringComparer.Ordinal);
        foreach (var (name, backend) in registry.Backends)
        {
            if (backend is not IRecoveryTarget target)
            {
                continue;
            }

            var recovery = new ReplicaRecovery(target, client, new ReplicaRecoveryOptions
            {
                Namespace = name,
                WriterQuietPeriod = settings.RecoveryWriterQuiet,
                Secrets = [source.AccessKeySecret, source.SecurityToken ?? ""],
            }, loggers.CreateLogger("JindoMeta.Replication.ReplicaRecovery"));
            recovery.Start();
            recoveries[name] = recovery;
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
