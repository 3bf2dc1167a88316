namespace JindoMeta.Raft;

/// <summary>
/// Where a follower assembles a snapshot arriving in chunks; storage makes one per incoming snapshot
/// (<see cref="IRaftStorage.CreateSnapshotSink"/>), so a snapshot on disk is written to disk as it arrives and is never
/// one array in memory.
/// </summary>
/// <remarks>The core writes chunks in order from offset 0 (it rejects gaps), and either completes the sink once
/// <c>length</c> bytes arrived or disposes it (a newer snapshot, a new term). Disposing an incomplete sink discards what
/// it holds; disposing a completed one does nothing.</remarks>
public abstract class SnapshotSink : IDisposable
{
    /// <summary>Appends the next chunk.</summary>
    public abstract void Write(ReadOnlySpan<byte> chunk);

    /// <summary>Checks and seals what was written (for a file: the length, the checksum, an fsync).</summary>
    /// <param name="refusal">Why the bytes were refused (damaged or truncated in transit), in words for an operator.</param>
    /// <returns>The snapshot's data, or null if it was refused: the core then asks the leader to start over.</returns>
    public abstract SnapshotData? Complete(out string? refusal);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>Assembles a snapshot in one array of the announced length: for <see cref="MemoryRaftStorage"/>.</summary>
public sealed class MemorySnapshotSink(ulong length) : SnapshotSink
{
    private readonly byte[] _bytes = new byte[checked((int)length)];
    private int _received;

    public override void Write(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length > _bytes.Length - _received)
        {
            throw new InvalidOperationException($"A snapshot of {_bytes.Length} bytes received a chunk of {chunk.Length} at offset {_received}.");
        }

        chunk.CopyTo(_bytes.AsSpan(_received));
        _received += chunk.Length;
    }

    public override SnapshotData? Complete(out string? refusal)
    {
        if (_received != _bytes.Length)
        {
            refusal = $"the snapshot is truncated: {_received} of {_bytes.Length} bytes arrived";
            return null;
        }

        refusal = null;
        return new MemorySnapshotData(_bytes);
    }
}
