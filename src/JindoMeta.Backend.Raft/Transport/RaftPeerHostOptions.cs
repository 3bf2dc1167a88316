using System.Net;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Configuration of a <see cref="RaftPeerHost"/>.</summary>
public sealed class RaftPeerHostOptions
{
    /// <summary>The address to bind (this node's entry of <c>namespace.backend.raft.initial-conf</c>).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The port to bind (8103 by convention); 0 lets the system choose (tests), see <see cref="RaftPeerHost.Port"/>.</summary>
    public required int Port { get; init; }

    /// <summary>The raft groups served, one per namespace (<see cref="RaftPeerReceivers.Of"/> for a single one).</summary>
    public required RaftPeerReceivers Receivers { get; init; }

    /// <summary>Largest gRPC message accepted; keep it equal to the senders'
    /// <see cref="GrpcRaftTransportOptions.MaxGrpcMessageBytes"/>. 32 MiB.</summary>
    public int MaxGrpcMessageBytes { get; init; } = 32 << 20;

    /// <summary>How long a stop waits for open streams to end. 5 s (they end at once: the service watches the stop).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Mutual TLS with the peers (the same object the senders use); null: cleartext HTTP/2.</summary>
    public RaftPeerTls? Tls { get; init; }

    /// <summary>Adds log providers for Kestrel and gRPC (none by default: the host's own log stays quiet).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
