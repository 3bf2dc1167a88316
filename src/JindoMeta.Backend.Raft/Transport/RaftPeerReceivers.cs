using System.Collections.Concurrent;
using Grpc.Core;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>
/// The raft groups one peer listener (port 8103) serves: one per namespace, each with its own
/// <see cref="RaftPeerReceiver"/>, told apart by the <see cref="RaftPeerHeaders.Group"/> header of each stream.
/// </summary>
/// <remarks>Until <see cref="Seal"/> (every namespace of this node registered) a stream for an unknown group is
/// answered UNAVAILABLE, which the sender retries: its node may simply have started first. After it, an unknown
/// group means the nodes list different namespaces, which is refused as a configuration mismatch.</remarks>
public sealed class RaftPeerReceivers
{
    /// <summary>The group of a listener that serves one raft group only (tests, tools).</summary>
    public const string DefaultGroup = "default";

    private readonly ConcurrentDictionary<string, RaftPeerReceiver> _groups = new(StringComparer.Ordinal);
    private volatile bool _sealed;

    /// <summary>Raised when a stream names a group this node does not serve after <see cref="Seal"/>.</summary>
    public event Action<RaftPeerRefusal>? Refused;

    /// <summary>A sealed set with one receiver under <see cref="DefaultGroup"/>.</summary>
    public static RaftPeerReceivers Of(RaftPeerReceiver receiver)
    {
        var receivers = new RaftPeerReceivers();
        receivers.Register(DefaultGroup, receiver);
        receivers.Seal();
        return receivers;
    }

    /// <summary>Starts routing <paramref name="group"/>'s streams to <paramref name="receiver"/>; dispose the result to stop.</summary>
    public IDisposable Register(string group, RaftPeerReceiver receiver)
    {
        if (!_groups.TryAdd(group, receiver))
        {
            throw new InvalidOperationException($"raft group '{group}' is registered twice on this peer listener");
        }

        return new Registration(this, group);
    }

    /// <summary>Every group this node serves is registered: from now on an unknown group is a misconfiguration.</summary>
    public void Seal() => _sealed = true;

    /// <exception cref="RpcException">No receiver for the stream's group (UNAVAILABLE while starting or stopping,
    /// FAILED_PRECONDITION when the nodes serve different namespaces).</exception>
    public RaftPeerReceiver Resolve(Metadata requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        var group = requestHeaders.GetValue(RaftPeerHeaders.Group) ?? DefaultGroup;
        if (_groups.TryGetValue(group, out var receiver))
        {
            return receiver;
        }

        if (!_sealed)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"raft group '{group}' is not open on this node yet"));
        }

        var served = string.Join(", ", _groups.Keys.Order(StringComparer.Ordinal));
        var description = $"peers disagree about jfs.namespaces: a peer replicates namespace '{group}', which this node does not serve (it serves {served}); give every node the same list";
        Refused?.Invoke(new RaftPeerRefusal(0, RaftPeerRefusalReason.ConfigurationMismatch, description));
        throw new RpcException(new Status(StatusCode.FailedPrecondition, description));
    }

    private sealed class Registration(RaftPeerReceivers owner, string group) : IDisposable
    {
        public void Dispose() => owner._groups.TryRemove(group, out _);
    }
}
