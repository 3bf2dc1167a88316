namespace JindoMeta.Raft;

/// <summary>The read side of a node's durable raft state, as the consensus core sees it.</summary>
/// <remarks>
/// <para>Contract (every implementation, in memory or on disk):</para>
/// <list type="bullet">
/// <item>The log holds the contiguous entries <c>[FirstIndex, LastIndex]</c>. The entry just before
/// <c>FirstIndex</c> is covered by the latest snapshot; its term stays readable through <see cref="Term"/> so that
/// appends right after a snapshot can be matched. An empty log has <c>FirstIndex == LastIndex + 1</c>.</item>
/// <item>Ranges are half open: <see cref="Entries"/> returns <c>[low, high)</c>, stopping early once
/// <c>maxBytes</c> is exceeded but always returning at least one entry when any is requested and available.</item>
/// <item>Returned entries and snapshots are owned by the caller afterwards and are never mutated by storage;
/// storage must not keep references to buffers it returns if it reuses them.</item>
/// <item>Expected conditions are reported as <see cref="StorageStatus"/>; an exception means the environment is
/// broken (disk error, corruption). The core does not catch it: the driver stops the node, which then neither
/// votes nor acknowledges anything — a crashed node is safe, a node that guesses is not.</item>
/// <item>The core calls it from one thread (the driver loop); writes happen on that thread too, between
/// <see cref="RaftNode.GetReady"/> and <see cref="RaftNode.Advance"/>.</item>
/// </list>
/// </remarks>
public interface IRaftStorage
{
    /// <summary>The saved hard state and the voter set of the latest snapshot (empty if none).</summary>
    RaftInitialState InitialState();

    /// <summary>Appends entries in <c>[low, high)</c> to <paramref name="into"/>, limited by <paramref name="maxBytes"/>.</summary>
    StorageStatus Entries(ulong low, ulong high, ulong maxBytes, List<Entry> into);

    /// <summary>The term of the entry at <paramref name="index"/>, for <c>index</c> in <c>[FirstIndex - 1, LastIndex]</c>.</summary>
    StorageStatus Term(ulong index, out ulong term);

    ulong FirstIndex { get; }

    ulong LastIndex { get; }

    /// <summary>The most recent snapshot.</summary>
    StorageStatus Snapshot(out Snapshot snapshot);

    /// <summary>A place to assemble a snapshot of <paramref name="length"/> bytes arriving from the leader, kept where this
    /// storage keeps snapshots (a file for a store on disk), so that the <see cref="Snapshot"/> the core then hands to
    /// <see cref="IRaftLogStore.Persist"/> is already in place.</summary>
    SnapshotSink CreateSnapshotSink(SnapshotMetadata metadata, ulong length);
}
