using JindoMeta.Namespace.Backend;
using JindoMeta.Server.Services;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// What a node runs against the namespaces' replica tables (the uploads, or the recoveries): one job per namespace whose
/// backend takes one, sharing one Tablestore client; none when the feature is off. Disposed before the backends, so no
/// job touches a closed store.
/// </summary>
public sealed class ReplicaJobs<TJob> : IAsyncDisposable where TJob : class, IAsyncDisposable
{
    private readonly TableStoreClient? _client;

    private ReplicaJobs(TableStoreClient? client, IReadOnlyDictionary<string, TJob> jobs)
    {
        _client = client;
        ByNamespace = jobs;
    }

    public static ReplicaJobs<TJob> None { get; } = new(null, new Dictionary<string, TJob>());

    public IReadOnlyDictionary<string, TJob> ByNamespace { get; }

    /// <param name="target">Where the tables are; null: the feature is off.</param>
    /// <param name="start">Starts the job of one namespace (name, backend, client), or null when its backend has none.</param>
    public static ReplicaJobs<TJob> Start(TableStoreOptions? target, NamespaceRegistry registry, Func<string, INamespaceBackend, TableStoreClient, TJob?> start)
    {
        if (target is null)
        {
            return None;
        }

        var client = new TableStoreClient(target);
        var jobs = new Dictionary<string, TJob>(StringComparer.Ordinal);
        foreach (var (name, backend) in registry.Backends)
        {
            if (start(name, backend, client) is { } job)
            {
                jobs[name] = job;
            }
        }

        return new ReplicaJobs<TJob>(client, jobs);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var job in ByNamespace.Values)
        {
            await job.DisposeAsync().ConfigureAwait(false);
        }

        _client?.Dispose();
    }
}
