namespace JindoMeta.Raft;

/// <summary>Messages exchanged between raft nodes. Local events (ticks, proposals, read requests) are method
/// calls on <see cref="RaftNode"/>, not messages, so the network can never inject them.</summary>
public enum MessageType : byte
{
    Append = 1,
    AppendResponse = 2,
    RequestVote = 3,
    RequestVoteResponse = 4,
    RequestPreVote = 5,
    RequestPreVoteResponse = 6,
    /// <summary>One chunk of a snapshot; the last chunk installs it.</summary>
    SnapshotChunk = 7,
    /// <summary>Acknowledges snapshot chunks: <see cref="Message.RejectHint"/> is the next byte offset wanted.</summary>
    SnapshotChunkResponse = 8,
    Heartbeat = 9,
    HeartbeatResponse = 10,
    /// <summary>A follower asks the leader for a read index on behalf of a local reader.</summary>
    ReadIndex = 11,
    ReadIndexResponse = 12,
    /// <summary>A follower asks the leader to hand leadership to the sender.</summary>
    TransferLeadership = 13,
    /// <summary>The leader tells an up-to-date follower to campaign now, bypassing PreVote and leases.</summary>
    TimeoutNow = 14,
}
