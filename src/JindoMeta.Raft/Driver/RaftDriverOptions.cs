namespace JindoMeta.Raft;

/// <summary>Configuration of a <see cref="RaftDriver"/>.</summary>
public sealed class RaftDriverOptions
{
    /// <summary>The core's configuration; its <see cref="RaftOptions.Storage"/> must be <see cref="LogStore"/>. Its
    /// <see cref="RaftOptions.Applied"/> is ignored: the driver takes it from the state machine (or the snapshot).</summary>
    public required RaftOptions Raft { get; init; }

    public required IRaftLogStore LogStore { get; init; }

    public required IRaftTransport Transport { get; init; }

    public required IRaftStateMachine StateMachine { get; init; }

    /// <summary>Length of a tick. 100 ms: with 10 election ticks a failed leader is replaced in 1–2 s.
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables the timer (call <see cref="RaftDriver.Tick"/>).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Proposals appended in one batch (one Ready, one fsync, one append round). 512.</summary>
    public int MaxProposalBatch { get; init; } = 512;

    /// <summary>Take a state machine snapshot and compact the log after this many applied entries. 10 000.</summary>
    public ulong SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>Entries kept behind a snapshot so slightly lagging followers catch up from the log. 1 000.</summary>
    public ulong CompactionMargin { get; init; } = 1_000;
}
