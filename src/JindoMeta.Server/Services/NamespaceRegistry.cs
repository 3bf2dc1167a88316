using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Errors;

namespace JindoMeta.Server.Services;

/// <summary>The namespaces this server serves (jfs.namespaces), each with its own backend.</summary>
/// <param name="backends">The backend of each namespace.</param>
/// <param name="sharedByBackends">What the backends share and the registry closes after them (the raft peer listener).</param>
public sealed class NamespaceRegistry(IReadOnlyDictionary<string, INamespaceBackend> backends, IAsyncDisposable? sharedByBackends = null) : IAsyncDisposable
{
    public IReadOnlyDictionary<string, INamespaceBackend> Backends { get; } = backends;

    /// <summary>The backend of <paramref name="name"/>; an empty name means the only one, when there is one.</summary>
    public Result<INamespaceBackend> Find(string name)
    {
        if (name.Length == 0 && Backends.Count == 1)
        {
            return Result<INamespaceBackend>.Ok(Backends.Values.First());
        }

        if (Backends.TryGetValue(name, out var backend))
        {
            return Result<INamespaceBackend>.Ok(backend);
        }

        var served = string.Join(", ", Backends.Keys.Order(StringComparer.Ordinal));
        return name.Length == 0
            ? NamespaceError.InvalidArgument($"The request names no namespace and this server serves several: {served}")
            : new NamespaceError(ErrorCode.NamespaceNotFound, $"Namespace '{name}' is not served here (served: {served})");
    }

    /// <summary><see cref="Find"/>, with the namespace's name (the only one's when <paramref name="name"/> is empty).</summary>
    public Result<(string Name, INamespaceBackend Backend)> FindNamed(string name)
    {
        var found = Find(name);
        return found.IsOk
            ? Result<(string, INamespaceBackend)>.Ok((name.Length > 0 ? name : Backends.Keys.Single(), found.Value))
            : found.Error!;
    }

    /// <summary>Closes every backend (each finishes the commands it already queued).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var backend in Backends.Values)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }

        if (sharedByBackends is not null)
        {
            await sharedByBackends.DisposeAsync().ConfigureAwait(false);
        }
    }
}
