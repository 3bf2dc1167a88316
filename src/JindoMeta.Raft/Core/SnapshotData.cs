namespace JindoMeta.Raft;

/// <summary>
/// The bytes of a snapshot, read piecewise so that a snapshot is never one array in memory: the leader reads one
/// chunk at a time to stream it (<see cref="TryRead"/>), the state machine reads it as a stream (<see cref="OpenRead"/>).
/// Storage decides where the bytes live (<see cref="MemorySnapshotData"/> for tests and the simulation, a file on disk
/// in production).
/// </summary>
/// <remarks>
/// <para>Immutable once created, and safe to read from any thread. <see cref="Length"/> and <see cref="TryRead"/> are
/// the bytes as they travel to a follower, which storage may frame (a file adds a checksum trailer so that a damaged
/// transfer is refused); <see cref="OpenRead"/> yields the content the state machine wrote, without that framing.</para>
/// <para>Reads are synchronous and happen on the driver loop: one chunk (<see cref="RaftOptions.MaxSnapshotChunkBytes"/>,
/// 1 MiB) per round trip to the follower, a millisecond or so from the page cache, which bounds how long it stalls
/// the loop.</para>
/// </remarks>
public abstract class SnapshotData
{
    /// <summary>No data (the placeholder snapshot of a fresh node).</summary>
    public static SnapshotData Empty { get; } = new MemorySnapshotData([]);

    /// <summary>How many bytes travel to a follower.</summary>
    public abstract ulong Length { get; }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> (both within <see cref="Length"/>).</summary>
    /// <param name="chunk">The bytes, owned by the caller (a message may keep them); empty when false is returned.</param>
    /// <returns>False if the data is no longer available because storage replaced this snapshot with a newer one (a
    /// leader then streams the newer one); an exception means the environment is broken.</returns>
    public abstract bool TryRead(ulong offset, int count, out ReadOnlyMemory<byte> chunk);

    /// <summary>The content as the state machine wrote it. A stream over data whose integrity check fails throws
    /// <see cref="InvalidDataException"/> no later than when it reaches its end.</summary>
    public abstract Stream OpenRead();
}

/// <summary>Snapshot data held in one array: for <see cref="MemoryRaftStorage"/>, tests and the simulation.</summary>
public sealed class MemorySnapshotData(byte[] bytes) : SnapshotData
{
    private readonly byte[] _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));

    /// <summary>The content; not to be mutated.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    public override ulong Length => (ulong)_bytes.Length;

    public override bool TryRead(ulong offset, int count, out ReadOnlyMemory<byte> chunk)
    {
        // A slice, not a copy: the array is immutable once it is a snapshot's data.
        chunk = _bytes.AsMemory(checked((int)offset), count);
        return true;
    }

    public override Stream OpenRead() => new MemoryStream(_bytes, writable: false);
}
