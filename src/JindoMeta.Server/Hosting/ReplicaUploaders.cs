using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The async uploader of every namespace when <see cref="ConfigKeys.RocksDbAsyncOts"/> is on (none otherwise), sharing
/// one Tablestore client. Disposed before the backends, so no uploader reads a closed store.
/// </summary>
public sealed class ReplicaUploaders : IAsyncDisposable
{
    private readonly TableStoreClient? _client;

    private ReplicaUploaders(TableStoreClient? client, IReadOnlyDictionary<string, AsyncUploader> uploaders)
    {
        _client = client;
        ByNamespace = uploaders;
    }

    public static ReplicaUploaders None { get; } = new(null, new Dictionary<string, AsyncUploader>());

    public IReadOnlyDictionary<string, AsyncUploader> ByNamespace { get; }

    public static ReplicaUploaders Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers)
    {
        if (settings.Upload is not { } target)
        {
            return None;
        }

        var client = new TableStoreClient(target);
        var uploaders = new Dictionary<string, AsyncUploader>(StringComparer.Ordinal);
        foreach (var (name, backend) in registry.Backends)
        {
            if (backend is not IReplicaSource source)
            {
                continue;
            }

            var uploader = new AsyncUploader(source, client, new AsyncUploaderOptions
            {
                Namespace = name,
                Secrets = [target.AccessKeySecret, target.SecurityToken ?? ""],
            }, loggers.CreateLogger("JindoMeta.Replication.AsyncUploader"));
            uploader.Start();
            uploaders[name] = uploader;
        }

        return new ReplicaUploaders(client, uploaders);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var uploader in ByNamespace.Values)
        {
            await uploader.DisposeAsync().ConfigureAwait(false);
        }

        _client?.Dispose();
    }
}
