namespace JindoMeta.Namespace.Backend;

/// <summary>What `jindo jfs -metaStatus` reports for one node.</summary>
/// <param name="BackendType">"rocksdb", "raft" or "ots".</param>
/// <param name="Role">LEADER, FOLLOWER, CANDIDATE, STANDBY...</param>
/// <param name="State">Lifecycle: STARTING, RUNNING, RECOVERING, FINISH (recovery done), FAILED.</param>
/// <param name="LastCommittedIndex">Index of the last committed change (0 before the first).</param>
/// <param name="Detail">Further name=value facts (free-form, for -detail).</param>
public sealed record BackendStatus(
    string BackendType,
    string Role,
    string State,
    long LastCommittedIndex,
    IReadOnlyDictionary<string, string> Detail)
{
    /// <summary>Whether this node takes writes now (false: no raft leader, recovery in progress, writer stopped).</summary>
    public bool Serving { get; init; } = true;

    /// <summary>Every node of a replicated backend as this node sees it (null: this node is the only one).</summary>
    public IReadOnlyList<BackendNodeStatus>? Nodes { get; init; }

    /// <summary>The client address (host:port) of the node that leads, when that is another node this one knows;
    /// only the leader knows how far each follower is, so `-metaStatus` asks it.</summary>
    public string? LeaderClientAddress { get; init; }
}

/// <summary>One node of a replicated backend in `-metaStatus`: its peer address, role and last known index.</summary>
public sealed record BackendNodeStatus(string Address, string Role, string State, long LastIndex);
