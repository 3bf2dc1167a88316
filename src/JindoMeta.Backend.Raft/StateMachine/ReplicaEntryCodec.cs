using System.Buffers;
using JindoMeta.Namespace.Schema;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// The payload of a <see cref="ReplicaEntry"/>: [<see cref="Marker"/>][kind]{fields}; kind 1 = replica identity
/// (16 bytes), kind 2 = feed uploaded (a zigzag varint, not negative).
/// </summary>
/// <remarks>
/// The first byte of every entry payload says what it holds: <see cref="NamespaceCommandCodec.Version"/> (1) a
/// namespace command, <see cref="Marker"/> (2) a replica entry. A node without this codec reads a 2 as an unknown
/// command format and stops with "upgrade this node", never skipping the entry. As strict as the command codec: an
/// unknown kind, a bad field or trailing bytes is a <see cref="FormatException"/>.
/// </remarks>
public static class ReplicaEntryCodec
{
    public const byte Marker = 2;

    public const int StoreIdBytes = 16;

    private enum Kind : byte
    {
        ReplicaIdentity = 1,
        FeedUploaded = 2,
    }

    /// <summary>Whether <paramref name="payload"/> is a replica entry (rather than a namespace command).</summary>
    public static bool Holds(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == Marker;

    public static byte[] Encode(ReplicaEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var buffer = new ArrayBufferWriter<byte>(32);
        var writer = new RecordWriter(buffer);
        writer.Byte(Marker);
        switch (entry)
        {
            case ReplicaIdentityEntry identity:
                if (identity.StoreId.Length != StoreIdBytes)
                {
                    throw new ArgumentException($"A replica store id has {StoreIdBytes} bytes, not {identity.StoreId.Length}.", nameof(entry));
                }

                writer.Byte((byte)Kind.ReplicaIdentity);
                writer.FixedBytes(identity.StoreId);
                break;
            case FeedUploadedEntry uploaded:
                ArgumentOutOfRangeException.ThrowIfNegative(uploaded.ChangeIndex, nameof(entry));
                writer.Byte((byte)Kind.FeedUploaded);
                writer.Varint(uploaded.ChangeIndex);
                break;
            default:
                throw new ArgumentException($"Replica entry {entry.GetType().Name} has no encoding.", nameof(entry));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">Not a replica entry, an unknown kind, a negative index, truncated or trailing bytes.</exception>
    public static ReplicaEntry Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new RecordReader(payload, "raft replica entry");
        if (reader.Byte() != Marker)
        {
            throw new FormatException("Malformed raft replica entry: it does not start with the replica entry marker");
        }

        var kind = (Kind)reader.Byte();
        ReplicaEntry entry = kind switch
        {
            Kind.ReplicaIdentity => new ReplicaIdentityEntry(reader.FixedBytes(StoreIdBytes).ToArray()),
            Kind.FeedUploaded => new FeedUploadedEntry(NotNegative(reader.Varint())),
            _ => throw new FormatException($"Malformed raft replica entry: unknown kind {(byte)kind} (this node knows 1-2); upgrade this node."),
        };
        reader.ExpectEnd();
        return entry;
    }

    private static long NotNegative(long changeIndex) =>
        changeIndex >= 0 ? changeIndex : throw new FormatException($"Malformed raft replica entry: a negative change index {changeIndex}");
}
