namespace JindoMeta.Raft;

/// <summary>Everything a node needs done before it can make progress, handed out by <see cref="RaftNode.GetReady"/>.</summary>
/// <remarks>
/// The driver must, in this order: (1) persist <see cref="HardState"/>, <see cref="Snapshot"/> and
/// <see cref="Entries"/>, synced when <see cref="MustSync"/>; (2) send <see cref="Messages"/> (they may acknowledge the
/// entries just persisted); (3) install <see cref="Snapshot"/> in the state machine, then apply
/// <see cref="CommittedEntries"/> in order; (4) call <see cref="RaftNode.Advance"/>. Only one Ready may be outstanding.
/// </remarks>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState hardState,
        IReadOnlyList<ReadState> readStates,
        IReadOnlyList<Entry> entries,
        Snapshot? snapshot,
        IReadOnlyList<Entry> committedEntries,
        IReadOnlyList<Message> messages,
        bool mustSync)
    {
        SoftState = softState;
        HardState = hardState;
        ReadStates = readStates;
        Entries = entries;
        Snapshot = snapshot;
        CommittedEntries = committedEntries;
        Messages = messages;
        MustSync = mustSync;
    }

    /// <summary>Leader and role, when they changed since the previous Ready; null otherwise. Not persisted.</summary>
    public SoftState? SoftState { get; }

    /// <summary>The hard state to persist, or <see cref="HardState.IsEmpty"/> when unchanged.</summary>
    public HardState HardState { get; }

    /// <summary>Read indexes released to local readers.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>Entries to append to stable storage (replacing any conflicting stored suffix).</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>A snapshot received from the leader, to persist and install; null if none.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Entries known committed and not yet applied, in log order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; }

    /// <summary>Messages to send after the persistence above is complete.</summary>
    public IReadOnlyList<Message> Messages { get; }

    /// <summary>True when the hard state's term or vote, or the entries, changed: the write must be fsynced.</summary>
    public bool MustSync { get; }
}
