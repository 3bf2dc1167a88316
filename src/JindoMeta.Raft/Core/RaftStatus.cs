namespace JindoMeta.Raft;

/// <summary>A copy of a node's state for diagnostics and tests.</summary>
public sealed record RaftStatus(
    ulong Id,
    ulong Term,
    ulong Vote,
    ulong Leader,
    RaftRole Role,
    ulong Committed,
    ulong Applied,
    ulong FirstIndex,
    ulong LastIndex,
    IReadOnlyDictionary<ulong, ProgressStatus> Progress);

/// <summary>A copy of the leader's view of one follower.</summary>
public readonly record struct ProgressStatus(ProgressState State, ulong Match, ulong Next, bool RecentActive, bool Paused);

/// <summary>The outcome of <see cref="RaftNode.Propose(IReadOnlyList{byte[]})"/>.</summary>
public enum ProposeStatus : byte
{
    /// <summary>Appended to the leader's log at the returned indexes; not yet committed.</summary>
    Accepted = 0,
    /// <summary>This node is not the leader; <see cref="ProposeResult.LeaderHint"/> names the leader if known.</summary>
    NotLeader = 1,
    /// <summary>The leader is handing over leadership and accepts no new proposals.</summary>
    LeadershipTransferInProgress = 2,
}

/// <summary>Where accepted proposals landed: entries <c>[FirstIndex, LastIndex]</c> in <see cref="Term"/>. A proposal
/// is committed if and only if the entry applied at its index carries the same term.</summary>
public readonly record struct ProposeResult(ProposeStatus Status, ulong FirstIndex, ulong LastIndex, ulong Term, ulong LeaderHint);

/// <summary>The outcome of a local read index request or a leadership transfer request.</summary>
public enum RequestStatus : byte
{
    /// <summary>Accepted: a <see cref="ReadState"/> (or a leadership change) follows, unless leadership changes first.</summary>
    Accepted = 0,
    /// <summary>No leader is known; retry later.</summary>
    NoLeader = 1,
    /// <summary>The request names a node that is not a voter.</summary>
    InvalidTarget = 2,
}
