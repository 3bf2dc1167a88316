using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>
/// The driver's <see cref="IRaftTransport"/> over gRPC (port 8103): one long-lived client-streaming call per peer
/// (<c>RaftPeerService.Send(stream RaftBatch)</c>), each write a batch of every message queued for that peer since the
/// previous write.
/// </summary>
/// <remarks>
/// <para>Why a stream of batches and not a unary call per message or per Ready: a busy leader produces a Ready per
/// loop iteration, each with an append and heartbeats per follower; a unary call costs a HEADERS frame, a
/// response and a task per message, and its latency would gate the next send unless calls overlap (then order is
/// lost and appends are rejected as gaps). One stream keeps messages in order per peer (the core pipelines appends
/// and relies on it for throughput, not safety), costs one DATA frame per batch, and when the peer is slow the batch
/// simply grows, so frames per second fall as load rises. Raft needs no reply per message: answers are messages of
/// their own on the reverse stream (the peer's sender to us).</para>
/// <para><see cref="Send"/> never waits: it routes each message to its peer's bounded queue (by count and bytes) and
/// returns. A full queue drops, which raft tolerates (the core retransmits); a dead peer's queue stays bounded and its
/// sender task reconnects with capped, jittered exponential backoff.</para>
/// <para>Thread-safe; <see cref="Send"/> is called by the driver loop, statistics may be read from anywhere.</para>
/// </remarks>
public sealed class GrpcRaftTransport : IRaftTransport, IAsyncDisposable
{
    private readonly GrpcRaftTransportOptions _options;
    private readonly Dictionary<ulong, PeerSender> _peers = [];
    private readonly Lock _randomLock = new();
    private long _unroutable;
    private long _faultDropped;

    public GrpcRaftTransport(GrpcRaftTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Fingerprint = RaftConfigurationFingerprint.Compute(options.Configuration);
        foreach (var member in options.Configuration.Members)
        {
            if (member.NodeId != options.SelfId)
            {
                _peers[member.NodeId] = new PeerSender(member, options, Fingerprint, Jitter, refusal => PeerRefused?.Invoke(refusal));
            }
        }
    }

    /// <summary>A peer refused this node's stream (its member list differs, or it does not know this id). Raised on a
    /// sender task, once per refused attempt (about once a second); the host can stop with the description.</summary>
    public event Action<RaftPeerRefusal>? PeerRefused;

    /// <summary>This node's <see cref="RaftConfigurationFingerprint"/>, sent with every stream.</summary>
    public string Fingerprint { get; }

    /// <summary>Messages addressed to an id that is not a peer (or to this node); never sent.</summary>
    public long UnroutableMessages => Interlocked.Read(ref _unroutable);

    /// <summary>Messages the fault hook dropped.</summary>
    public long FaultDroppedMessages => Interlocked.Read(ref _faultDropped);

    public void Send(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var faults = _options.Faults;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (!_peers.TryGetValue(message.To, out var peer))
            {
                Interlocked.Increment(ref _unroutable);
                continue;
            }

            if (faults is null)
            {
                peer.Enqueue(message);
                continue;
            }

            var decision = faults.Decide(message);
            switch (decision.Action)
            {
                case RaftFaultAction.Drop:
                    Interlocked.Increment(ref _faultDropped);
                    break;
                case RaftFaultAction.Delay:
                    _ = Task.Delay(decision.Delay).ContinueWith(_ => peer.Enqueue(message), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    break;
                default:
                    peer.Enqueue(message);
                    break;
            }
        }
    }

    /// <summary>Counters and queue figures for <paramref name="peerId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="peerId"/> is not a peer of this node.</exception>
    public RaftPeerStatistics GetStatistics(ulong peerId)
        => _peers.TryGetValue(peerId, out var peer) ? peer.Statistics : throw new ArgumentException($"Node {peerId} is not a peer of node {_options.SelfId}.", nameof(peerId));

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers.Values)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A delay drawn from [ceiling / 2, ceiling], so peers that failed together do not retry together.</summary>
    private TimeSpan Jitter(TimeSpan ceiling)
    {
        double fraction;
        lock (_randomLock)
        {
            fraction = _options.Random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(ceiling.Ticks * (0.5 + (0.5 * fraction))));
    }
}
