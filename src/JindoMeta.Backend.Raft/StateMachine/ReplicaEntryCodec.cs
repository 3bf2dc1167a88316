using System.Buffers;
using JindoMeta.Namespace.Schema;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// The payload of a <see cref="ReplicaEntry"/>: [<see cref="Marker"/>][kind]{fields}; kind 1 = replica identity
/// (16 bytes), kind 2 = feed uploaded (a zigzag varint, not negative), kind 3 = recovery load ([progress: length +
/// bytes][row count]{[table: 0 dentries, 1 meta][key: length + bytes][value: length + bytes]}), kind 4 = recovery
/// finish ([store id: length + UTF-8][change index: zigzag varint, not negative]).
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

    /// <summary>
    /// The largest recovery load encoded. A page is at most 4 MB of rows (the service's GetRange cap) plus its progress
    /// record; the peer transport carries messages up to 32 MiB and drops larger ones for ever, so a bigger entry is
    /// refused before it is proposed instead of stalling replication.
    /// </summary>
    public const int MaxRecoveryLoadBytes = 16 << 20;

    // Bounds checked when encoding and again before anything is allocated when decoding: a progress record is a few
    // dozen bytes per range, a key at most a dentry key, a value at most a Tablestore cell (2 MB).
    private const int MaxProgressBytes = MaxRecoveryLoadBytes;
    private const int MaxKeyBytes = 64 * 1024;
    private const int MaxValueBytes = MaxRecoveryLoadBytes;
    private const int MaxStoreIdBytes = 1024;
    private const byte DentriesTableId = 0;
    private const byte MetaTableId = 1;

    private enum Kind : byte
    {
        ReplicaIdentity = 1,
        FeedUploaded = 2,
        RecoveryLoad = 3,
        RecoveryFinish = 4,
    }

    /// <summary>Whether <paramref name="payload"/> is a replica entry (rather than a namespace command).</summary>
    public static bool Holds(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == Marker;

    /// <exception cref="ArgumentException">The entry cannot be replicated (a bad id, a negative index, a load row that is
    /// not a dentry or replicated meta put).</exception>
    public static byte[] Encode(ReplicaEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var buffer = new ArrayBufferWriter<byte>(entry is RecoveryLoadEntry load ? 64 + load.Progress.Length + (load.Rows.Count * 128) : 32);
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
            case RecoveryLoadEntry loaded:
                writer.Byte((byte)Kind.RecoveryLoad);
                writer.Bytes(loaded.Progress);
                writer.UVarint((ulong)loaded.Rows.Count);
                foreach (var row in loaded.Rows)
                {
                    writer.Byte(LoadTableId(row) ?? throw new ArgumentException(
                        $"A recovery load holds dentry and replicated meta puts only, not a {row.Table} {(row.Value is null ? "delete" : "put")} of {Convert.ToHexString(row.Key)}.", nameof(entry)));
                    ArgumentOutOfRangeException.ThrowIfGreaterThan(row.Key.Length, MaxKeyBytes, nameof(entry));
                    writer.Bytes(row.Key);
                    writer.Bytes(row.Value!);
                }

                if (buffer.WrittenCount > MaxRecoveryLoadBytes)
                {
                    throw new ArgumentException(
                        $"A recovery load of {loaded.Rows.Count} rows and a {loaded.Progress.Length}-byte progress record takes {buffer.WrittenCount} bytes, more than a raft entry may ({MaxRecoveryLoadBytes}); read smaller pages.", nameof(entry));
                }

                break;
            case RecoveryFinishEntry finished:
                ArgumentOutOfRangeException.ThrowIfNegative(finished.ChangeIndex, nameof(entry));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(System.Text.Encoding.UTF8.GetByteCount(finished.StoreId), MaxStoreIdBytes, nameof(entry));
                writer.Byte((byte)Kind.RecoveryFinish);
                writer.String(finished.StoreId);
                writer.Varint(finished.ChangeIndex);
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
            Kind.RecoveryLoad => DecodeLoad(ref reader, payload.Length),
            Kind.RecoveryFinish => new RecoveryFinishEntry(reader.String(MaxStoreIdBytes), NotNegative(reader.Varint())),
            _ => throw new FormatException($"Malformed raft replica entry: unknown kind {(byte)kind} (this node knows 1-4); upgrade this node."),
        };
        reader.ExpectEnd();
        return entry;
    }

    private static RecoveryLoadEntry DecodeLoad(ref RecordReader reader, int payloadLength)
    {
        var progress = reader.Bytes(MaxProgressBytes);
        var rows = new RowChange[reader.Length(payloadLength)];
        for (var i = 0; i < rows.Length; i++)
        {
            var table = reader.Byte();
            var key = reader.Bytes(MaxKeyBytes);
            rows[i] = new RowChange(table == DentriesTableId ? NamespaceSchema.DentriesTable : NamespaceSchema.MetaTable, key, reader.Bytes(MaxValueBytes));
            if (table > MetaTableId || LoadTableId(rows[i]) != table)
            {
                throw new FormatException($"Malformed raft replica entry: recovery load row {i} is not a dentry or replicated meta row (table {table}, key {Convert.ToHexString(key)})");
            }
        }

        return new RecoveryLoadEntry(rows, progress);
    }

    /// <summary>The table id of a row a recovery may load, or null: puts of dentries and of replicated meta keys only.</summary>
    private static byte? LoadTableId(RowChange row) => row switch
    {
        { Value: null } => null,
        { Table: NamespaceSchema.DentriesTable } => DentriesTableId,
        { Table: NamespaceSchema.MetaTable } when NamespaceSchema.ReplicatedMetaKeys.Any(k => k.AsSpan().SequenceEqual(row.Key)) => MetaTableId,
        _ => null,
    };

    private static long NotNegative(long changeIndex) =>
        changeIndex >= 0 ? changeIndex : throw new FormatException($"Malformed raft replica entry: a negative change index {changeIndex}");
}
