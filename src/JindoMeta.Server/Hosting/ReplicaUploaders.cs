using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The async upload of every namespace when the backend's async.ots.enabled key is on (none otherwise), sharing one
/// Tablestore client: on rocksdb an uploader that always runs, on raft one that runs while this node leads
/// (<see cref="LeaderOnlyUpload"/>). Disposed before the backends, so no uploader reads a closed store.
/// </summary>
public sealed class ReplicaUploaders : IAsyncDisposable
{
    private readonly TableStoreClient? _client;

    private ReplicaUploaders(TableStoreClient? client, IReadOnlyDictionary<string, INamespaceUpload> uploads)
    {
        _client = client;
        ByNamespace = uploads;
    }

    public static ReplicaUploaders None { get; } = new(null, new Dictionary<string, INamespaceUpload>());

    public IReadOnlyDictionary<string, INamespaceUpload> ByNamespace { get; }

    public static ReplicaUploaders Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers)
    {
        if (settings.Upload is not { } target)
        {
            return None;
        }

        var client = new TableStoreClient(target);
        var uploads = new Dictionary<string, INamespaceUpload>(StringComparer.Ordinal);
        foreach (var (name, backend) in registry.Backends)
        {
            var options = new AsyncUploaderOptions
            {
                Namespace = name,
                Secrets = [target.AccessKeySecret, target.SecurityToken ?? ""],
            };
            var logger = loggers.CreateLogger("JindoMeta.Replication.AsyncUploader");
            INamespaceUpload? upload = backend switch
            {
                RaftNamespaceBackend raft => LeaderOnlyUpload.Start(raft, client, options, logger),
                IReplicaSource source => LocalStoreUpload.Start(new AsyncUploader(source, client, options, logger)),
                _ => null,
            };
            if (upload is not null)
            {
                uploads[name] = upload;
            }
        }

        return new ReplicaUploaders(client, uploads);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var upload in ByNamespace.Values)
        {
            await upload.DisposeAsync().ConfigureAwait(false);
        }

        _client?.Dispose();
    }
}
