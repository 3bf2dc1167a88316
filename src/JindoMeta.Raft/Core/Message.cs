namespace JindoMeta.Raft;

/// <summary>A raft message. Which fields matter depends on <see cref="Type"/>; unused fields stay zero.</summary>
/// <remarks>Instances are immutable once handed out in a <see cref="Ready"/>; a transport may keep them
/// (for example to retry) without copying.</remarks>
public sealed class Message
{
    public MessageType Type { get; init; }

    public ulong From { get; init; }

    public ulong To { get; init; }

    /// <summary>The sender's term (for vote requests: the term campaigned for).</summary>
    public ulong Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>; votes: term of the candidate's last entry;
    /// rejected append responses: the follower's term at <see cref="RejectHint"/>.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>Append: index preceding <see cref="Entries"/>; votes: candidate's last index; responses: the
    /// index acknowledged; read index responses: the read index; snapshot chunks: the snapshot index.</summary>
    public ulong Index { get; init; }

    public Entry[] Entries { get; init; } = [];

    public ulong Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>Rejected append: the index the follower suggests probing next. Snapshot chunk response: the next
    /// byte offset the follower expects.</summary>
    public ulong RejectHint { get; init; }

    /// <summary>Read index request id (heartbeats and read index messages).</summary>
    public ulong Context { get; init; }

    /// <summary>Vote requests sent because of <see cref="MessageType.TimeoutNow"/>: voters ignore their leader
    /// lease for them.</summary>
    public bool LeadershipTransfer { get; init; }

    /// <summary>Snapshot chunks: which snapshot the chunk belongs to.</summary>
    public SnapshotMetadata? SnapshotMetadata { get; init; }

    /// <summary>Snapshot chunks: byte offset of <see cref="ChunkData"/> within the snapshot data.</summary>
    public ulong ChunkOffset { get; init; }

    /// <summary>Snapshot chunks: total size of the snapshot data.</summary>
    public ulong SnapshotSize { get; init; }

    public ReadOnlyMemory<byte> ChunkData { get; init; }

    public override string ToString() => MessageFormatter.Describe(this);
}
