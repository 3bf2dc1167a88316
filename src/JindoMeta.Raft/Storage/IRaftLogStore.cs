namespace JindoMeta.Raft;

/// <summary>A node's durable raft state with its write side: what the driver persists from each <see cref="Ready"/>.</summary>
/// <remarks>
/// <para>Write contract, in addition to the read contract of <see cref="IRaftStorage"/>:</para>
/// <list type="bullet">
/// <item><see cref="Persist"/> writes the hard state, snapshot and entries of one Ready atomically (all or none survive a
/// crash). With <c>sync</c> it returns only once they are on stable storage: raft acknowledges entries and votes by the
/// messages the driver sends right after, so a lie here loses acknowledged data.</item>
/// <item>Entries replace any stored suffix from their first index on (a new leader overwriting uncommitted entries).
/// A snapshot replaces the whole log: the stored entries end at its index.</item>
/// <item>Entry payload arrays passed in are owned by raft and must not be mutated; the store copies what it keeps.</item>
/// <item>The store owns snapshot data: once a newer snapshot is durably recorded, it may delete the older one's bytes
/// (a leader streaming it then sees <see cref="SnapshotData.TryRead"/> fail and streams the newer one).</item>
/// <item>An exception means the environment is broken; the driver stops the node (it stays down, which is safe:
/// the cluster keeps going while a majority is up) and reports the error.</item>
/// </list>
/// </remarks>
public interface IRaftLogStore : IRaftStorage
{
    void Persist(HardState hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot, bool sync);

    /// <summary>Records a snapshot the local state machine made at <paramref name="index"/> (an applied index):
    /// <paramref name="writeContent"/> writes the state into a stream the store provides (a file for a store on disk, so
    /// the image is never whole in memory), and the store records it durably before returning.</summary>
    Snapshot CreateSnapshot(ulong index, IReadOnlyList<ulong> voters, Action<Stream> writeContent);

    /// <summary>Discards entries before <paramref name="compactIndex"/> (which must be covered by a snapshot).</summary>
    void Compact(ulong compactIndex);
}
