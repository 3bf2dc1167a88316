namespace JindoMeta.Raft;

/// <summary>How the leader currently sends to a follower.</summary>
public enum ProgressState : byte
{
    /// <summary>The match point is unknown: send one append per heartbeat interval until one is accepted.</summary>
    Probe = 0,
    /// <summary>The follower is keeping up: pipeline appends optimistically, bounded by the inflight window.</summary>
    Replicate = 1,
    /// <summary>The follower needs entries that were compacted: stream it a snapshot, then probe.</summary>
    Snapshot = 2,
}
