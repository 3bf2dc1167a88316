using JindoMeta.Raft;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Configuration of a <see cref="GrpcRaftTransport"/> (the sending side of port 8103).</summary>
public sealed class GrpcRaftTransportOptions
{
    /// <summary>This node's raft id; it must be one of <see cref="Configuration"/>'s members.</summary>
    public required ulong SelfId { get; init; }

    /// <summary>The parsed <c>namespace.backend.raft.initial-conf</c>: where each peer listens, and the fingerprint
    /// every stream presents.</summary>
    public required InitialConfiguration Configuration { get; init; }

    /// <summary>The raft group (the namespace) this transport carries; sent with every stream so one peer listener
    /// serves every namespace. <see cref="RaftPeerReceivers.DefaultGroup"/> when a node runs a single group.</summary>
    public string Group { get; init; } = RaftPeerReceivers.DefaultGroup;

    /// <summary>Messages queued per peer while its stream is busy or down; beyond it new messages are dropped and
    /// counted. 4 096: a leader at 256 in-flight appends plus heartbeats and responses stays well below it.</summary>
    public int MaxQueuedMessages { get; init; } = 4096;

    /// <summary>Bytes (<see cref="RaftMessageMapper.EstimateSize"/>) queued per peer. 64 MiB: 64 full appends or
    /// snapshot chunks of 1 MiB (the core's defaults); a dead peer cannot hold more of the heap than that.</summary>
    public long MaxQueuedBytes { get; init; } = 64L << 20;

    /// <summary>A batch (one gRPC message) is cut once it reaches this many bytes. 4 MiB: a full append
    /// (<see cref="RaftOptions.MaxMessageBytes"/>, 1 MiB) plus a snapshot chunk (1 MiB) plus small messages fit in one.</summary>
    public int MaxBatchBytes { get; init; } = 4 << 20;

    /// <summary>The largest gRPC message sent or accepted on port 8103. 32 MiB: room for <see cref="MaxBatchBytes"/>
    /// and for a single append that exceeds it (the core always sends at least one entry, whatever its size). A
    /// single message larger than this is dropped and counted (the core keeps retrying it, so such an entry must be
    /// refused at proposal time).</summary>
    public int MaxGrpcMessageBytes { get; init; } = 32 << 20;

    /// <summary>First reconnect delay after a peer's stream fails; doubled per failure up to <see cref="MaxBackoff"/>,
    /// each delay drawn from [half, full] (jitter, so three nodes do not reconnect in lockstep). 50 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Cap of the reconnect delay. 1 s: a restarted peer is reached within about one election timeout.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Mutual TLS with the peers (the peer host's); null: cleartext.</summary>
    public RaftPeerTls? Tls { get; init; }

    /// <summary>Test-only fault injection (see <see cref="IRaftNetworkFaults"/>); null in production.</summary>
    public IRaftNetworkFaults? Faults { get; init; }

    /// <summary>Source of the reconnect jitter; seed it for reproducible runs.</summary>
    public Random Random { get; init; } = Random.Shared;

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Checks that the largest messages <paramref name="raft"/> produces fit in one gRPC message: a full
    /// append (<see cref="RaftOptions.MaxMessageBytes"/>) and a snapshot chunk
    /// (<see cref="RaftOptions.MaxSnapshotChunkBytes"/>) in the same batch.</summary>
    /// <exception cref="ArgumentException">They do not; the message says which limit to raise.</exception>
    public void ValidateAgainst(RaftOptions raft)
    {
        ArgumentNullException.ThrowIfNull(raft);
        var largest = (long)raft.MaxMessageBytes + raft.MaxSnapshotChunkBytes + (2 * RaftMessageMapper.MessageOverheadBytes);
        if (largest > MaxBatchBytes || largest > MaxGrpcMessageBytes)
        {
            throw new ArgumentException($"An append of RaftOptions.MaxMessageBytes ({raft.MaxMessageBytes}) plus a snapshot chunk of MaxSnapshotChunkBytes ({raft.MaxSnapshotChunkBytes}) needs {largest} bytes, more than MaxBatchBytes ({MaxBatchBytes}) or MaxGrpcMessageBytes ({MaxGrpcMessageBytes}); raise those.", nameof(raft));
        }
    }

    internal void Validate()
    {
        if (!Configuration.Members.Any(member => member.NodeId == SelfId))
        {
            throw new ArgumentException($"Node {SelfId} is not a member of {InitialConfiguration.ConfigurationKey} ({RaftConfigurationFingerprint.Normalize(Configuration)}).", nameof(SelfId));
        }

        if (MaxQueuedMessages <= 0 || MaxQueuedBytes <= 0 || MaxBatchBytes <= 0)
        {
            throw new ArgumentException($"Queue and batch bounds must be positive (MaxQueuedMessages {MaxQueuedMessages}, MaxQueuedBytes {MaxQueuedBytes}, MaxBatchBytes {MaxBatchBytes}).");
        }

        if (MaxGrpcMessageBytes < MaxBatchBytes + RaftMessageMapper.MessageOverheadBytes)
        {
            throw new ArgumentException($"MaxGrpcMessageBytes ({MaxGrpcMessageBytes}) must exceed MaxBatchBytes ({MaxBatchBytes}): a full batch would not fit in one gRPC message.", nameof(MaxGrpcMessageBytes));
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"Backoff must be positive with MaxBackoff ({MaxBackoff}) >= InitialBackoff ({InitialBackoff}).");
        }
    }
}
