namespace JindoMeta.Raft;

/// <summary>The state a node must persist before it sends any message that depends on it (Raft paper, figure 2,
/// "persistent state on all servers"): the current term, whom it voted for in that term, and the commit index.</summary>
/// <remarks>The commit index is not required for safety but lets a restarted node apply without waiting for a
/// leader.</remarks>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static HardState Empty => default;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
