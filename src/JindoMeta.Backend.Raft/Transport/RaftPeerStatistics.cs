namespace JindoMeta.Backend.Raft.Transport;

/// <summary>What the transport did for one peer since it started (counters only grow; queue figures are current).</summary>
/// <param name="Connected">The last write on the peer's stream succeeded and the stream has not failed since.</param>
/// <param name="DroppedMessages">Refused because the queue was full, or discarded when the stream failed.</param>
/// <param name="OversizeMessages">Larger than the gRPC message limit, never queued.</param>
/// <param name="StreamFailures">Streams that failed (peer down, refused, reset); each is followed by a backoff.</param>
public sealed record RaftPeerStatistics(
    ulong PeerId,
    bool Connected,
    int QueuedMessages,
    long QueuedBytes,
    long SentMessages,
    long SentBatches,
    long DroppedMessages,
    long OversizeMessages,
    long StreamFailures);
