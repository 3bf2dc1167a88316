using System.Runtime.InteropServices;
using Google.Protobuf;
using JindoMeta.Protos.Raft.V1;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Converts <see cref="Message"/> to and from its wire form (<c>jindometa.raft.v1.RaftMessage</c>), every field
/// both ways.</summary>
/// <remarks>
/// Payload bytes are never copied on the way out: <see cref="UnsafeByteOperations.UnsafeWrap(ReadOnlyMemory{byte})"/>
/// shares the entry's array with the protobuf message, which is safe because an entry's payload is owned by the log
/// once proposed and a <see cref="Message"/> is immutable once handed out (see their docs). A leader sends each
/// append to two followers and an append carries up to <see cref="RaftOptions.MaxMessageBytes"/> (1 MiB), so
/// <c>ByteString.CopyFrom</c> would copy up to 2 MiB per append round for nothing. On the way in, the parser has
/// already copied each bytes field into a fresh array of its own, so that array is taken over rather than copied again.
/// </remarks>
public static class RaftMessageMapper
{
    /// <summary>Fixed allowance per message in <see cref="EstimateSize"/>.</summary>
    public const int MessageOverheadBytes = 128;

    public static RaftMessage ToProto(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var proto = new RaftMessage
        {
            Type = (RaftMessageType)message.Type,
            From = message.From,
            To = message.To,
            Term = message.Term,
            LogTerm = message.LogTerm,
            Index = message.Index,
            Commit = message.Commit,
            Reject = message.Reject,
            RejectHint = message.RejectHint,
            Context = message.Context,
            LeadershipTransfer = message.LeadershipTransfer,
            ChunkOffset = message.ChunkOffset,
            SnapshotSize = message.SnapshotSize,
        };

        foreach (var entry in message.Entries)
        {
            proto.Entries.Add(new RaftEntry
            {
                Index = entry.Index,
                Term = entry.Term,
                Type = (RaftEntryType)entry.Type,
                Data = entry.Data is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(entry.Data),
            });
        }

        if (message.SnapshotMetadata is { } metadata)
        {
            var protoMetadata = new RaftSnapshotMetadata { Index = metadata.Index, Term = metadata.Term };
            protoMetadata.Voters.AddRange(metadata.Voters);
            proto.SnapshotMetadata = protoMetadata;
        }

        if (!message.ChunkData.IsEmpty)
        {
            proto.ChunkData = UnsafeByteOperations.UnsafeWrap(message.ChunkData);
        }

        return proto;
    }

    public static Message FromProto(RaftMessage proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var entries = proto.Entries.Count == 0 ? [] : new Entry[proto.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = proto.Entries[i];
            entries[i] = new Entry(entry.Index, entry.Term, OwnedArray(entry.Data), (EntryType)entry.Type);
        }

        return new Message
        {
            Type = (MessageType)proto.Type,
            From = proto.From,
            To = proto.To,
            Term = proto.Term,
            LogTerm = proto.LogTerm,
            Index = proto.Index,
            Entries = entries,
            Commit = proto.Commit,
            Reject = proto.Reject,
            RejectHint = proto.RejectHint,
            Context = proto.Context,
            LeadershipTransfer = proto.LeadershipTransfer,
            SnapshotMetadata = proto.SnapshotMetadata is { } metadata ? new SnapshotMetadata(metadata.Index, metadata.Term, [.. metadata.Voters]) : null,
            ChunkOffset = proto.ChunkOffset,
            SnapshotSize = proto.SnapshotSize,
            ChunkData = proto.ChunkData.Memory,
        };
    }

    /// <summary>Bytes counted for a message against queue and batch limits: payloads plus a fixed allowance for the
    /// scalar fields (at most ~100 bytes as varints) and per-entry framing.</summary>
    public static long EstimateSize(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        long size = MessageOverheadBytes + message.ChunkData.Length;
        foreach (var entry in message.Entries)
        {
            size += (long)entry.SizeBytes;
        }

        return size;
    }

    /// <summary>The array behind a parsed bytes field when it spans the whole array (the parser allocates one per
    /// field, owned by this message alone); a copy otherwise (a ByteString built some other way).</summary>
    private static byte[] OwnedArray(ByteString bytes)
    {
        if (bytes.Length == 0)
        {
            return [];
        }

        return MemoryMarshal.TryGetArray(bytes.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();
    }
}
