namespace JindoMeta.Raft;

public enum RaftRole : byte
{
    Follower = 0,
    PreCandidate = 1,
    Candidate = 2,
    Leader = 3,
}

/// <summary>Volatile state worth reporting when it changes: who leads and what this node is.</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);

/// <summary>A read index released to the local reader that asked for it: once the state machine has applied
/// <see cref="Index"/>, a read answered from it is linearizable.</summary>
public readonly record struct ReadState(ulong Index, ulong RequestId);
