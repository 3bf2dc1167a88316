namespace JindoMeta.Raft;

/// <summary>Carries raft messages to peers. Implementations (gRPC on port 8103 in production) must not block the driver
/// loop: queue and return. Messages may be dropped, delayed, duplicated or reordered; raft tolerates all of that.</summary>
public interface IRaftTransport
{
    void Send(IReadOnlyList<Message> messages);
}

/// <summary>The replicated state machine. Called only from the driver loop, one entry at a time, in log order.</summary>
/// <remarks>Apply must be deterministic (a pure function of the state and the entry) so every node reaches the same state.</remarks>
public interface IRaftStateMachine
{
    /// <summary>The last index whose effects are durably part of the state (0 for an empty state); raft resumes after it.</summary>
    ulong AppliedIndex { get; }

    /// <summary>Applies a committed entry; the result completes the proposer's task on this node.</summary>
    object? Apply(Entry entry);

    /// <summary>Writes an image of the state at <see cref="AppliedIndex"/> into <paramref name="destination"/> (provided
    /// by the log store: a file on disk in production), incrementally: the image need never be whole in memory.</summary>
    void WriteSnapshot(Stream destination);

    /// <summary>Replaces the state with a snapshot (received from the leader, or the log store's latest on start), read
    /// through <see cref="SnapshotData.OpenRead"/>.</summary>
    void Restore(Snapshot snapshot);
}
