namespace JindoMeta.Raft;

/// <summary>How linearizable reads are served.</summary>
public enum ReadOnlyMode : byte
{
    /// <summary>ReadIndex: the leader confirms it still leads with a heartbeat round to a quorum before answering.
    /// Safe without any clock assumption.</summary>
    Safe = 0,

    /// <summary>Lease: the leader answers from its commit index without a round trip, trusting that no other leader
    /// can exist while it has heard from a quorum within the election timeout (CheckQuorum). This assumes clocks on
    /// all voters advance at the same rate, within a bound: if a follower's ticks run faster than the leader's by more
    /// than the election timeout minus the heartbeat interval, a new leader can be elected while the old one still
    /// answers reads, and those reads may be stale. Requires <see cref="RaftOptions.CheckQuorum"/>.</summary>
    LeaseBased = 1,
}

/// <summary>Configuration of one <see cref="RaftNode"/>. Times are in ticks; the driver decides how long a tick is.</summary>
public sealed class RaftOptions
{
    /// <summary>This node's id (non-zero).</summary>
    public required ulong Id { get; init; }

    /// <summary>The voter set used when storage holds none (a fresh node of a fixed configuration).</summary>
    public IReadOnlyList<ulong> Voters { get; init; } = [];

    public required IRaftStorage Storage { get; init; }

    /// <summary>The last index the state machine has applied (from its own durable state) when the node starts.</summary>
    public ulong Applied { get; init; }

    /// <summary>A follower that hears nothing from a leader for this many ticks (plus a random extra in
    /// [0, ElectionTicks)) starts an election. 10.</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>A leader sends heartbeats every this many ticks. 1.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Upper bound on the entry bytes in one append message (at least one entry is always sent). 1 MiB.</summary>
    public ulong MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Append messages in flight to one follower in replicate state. 256: enough to keep a 10 GbE link
    /// busy with 64 KiB messages at 1 ms RTT.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Committed entry bytes handed out in one Ready (bounds apply batches). 16 MiB.</summary>
    public ulong MaxCommittedBytesPerReady { get; init; } = 16 << 20;

    /// <summary>Snapshot bytes in one chunk. 1 MiB.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 1 << 20;

    /// <summary>Run a PreVote round before a real election so a node that was partitioned away does not bump the
    /// term and disrupt a healthy leader when it comes back.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a quorum within an election timeout steps down; voters that heard
    /// from a leader within the timeout refuse to vote for others (leader stickiness).</summary>
    public bool CheckQuorum { get; init; } = true;

    public ReadOnlyMode ReadOnlyMode { get; init; } = ReadOnlyMode.Safe;

    /// <summary>The source of randomized election timeouts; seed it for reproducible runs.</summary>
    public Random Random { get; init; } = Random.Shared;

    internal RaftOptions WithApplied(ulong applied) => new()
    {
        Id = Id,
        Voters = Voters,
        Storage = Storage,
        Applied = applied,
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        MaxMessageBytes = MaxMessageBytes,
        MaxInflightMessages = MaxInflightMessages,
        MaxCommittedBytesPerReady = MaxCommittedBytesPerReady,
        MaxSnapshotChunkBytes = MaxSnapshotChunkBytes,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        ReadOnlyMode = ReadOnlyMode,
        Random = Random,
    };

    internal void Validate()
    {
        if (Id == 0)
        {
            throw new ArgumentException("Raft node id must be non-zero (0 means 'none').", nameof(Id));
        }

        if (HeartbeatTicks <= 0)
        {
            throw new ArgumentException($"HeartbeatTicks must be positive, got {HeartbeatTicks}.", nameof(HeartbeatTicks));
        }

        if (ElectionTicks <= HeartbeatTicks)
        {
            throw new ArgumentException($"ElectionTicks ({ElectionTicks}) must be greater than HeartbeatTicks ({HeartbeatTicks}).", nameof(ElectionTicks));
        }

        if (MaxInflightMessages <= 0)
        {
            throw new ArgumentException($"MaxInflightMessages must be positive, got {MaxInflightMessages}.", nameof(MaxInflightMessages));
        }

        if (MaxSnapshotChunkBytes <= 0)
        {
            throw new ArgumentException($"MaxSnapshotChunkBytes must be positive, got {MaxSnapshotChunkBytes}.", nameof(MaxSnapshotChunkBytes));
        }

        if (ReadOnlyMode == ReadOnlyMode.LeaseBased && !CheckQuorum)
        {
            throw new ArgumentException("Lease-based reads need CheckQuorum, otherwise a deposed leader could serve stale reads indefinitely.", nameof(ReadOnlyMode));
        }
    }
}
