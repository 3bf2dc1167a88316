using System.Buffers.Binary;
using System.Text;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.LogStore;

/// <summary>
/// The whole on-disk layout of the raft log store, in one place (reused by offline inspection tools).
/// The raft log lives in its own column families, apart from any state machine column families in the same database.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>raft_log</c></term><description>key: entry index, 8 bytes big-endian (bytewise order = log order).
/// value: term (8 bytes BE), entry type (1 byte), payload.</description></item>
/// <item><term><c>raft_state</c> / <c>hard_state</c></term><description>term, vote, commit: 3 × 8 bytes BE.</description></item>
/// <item><term><c>raft_state</c> / <c>log_start</c></term><description>index and term of the entry just before the first
/// stored one (the compaction point): 2 × 8 bytes BE. Absent means 0/0 (nothing compacted).</description></item>
/// <item><term><c>raft_state</c> / <c>snapshot</c></term><description>index, term (8 bytes BE each), voter count (4 bytes BE),
/// voters (8 bytes BE each), then a reference to the snapshot's file in the store's snapshot directory: name length
/// (2 bytes BE), name (UTF-8; empty when there is no data yet), file length (8 bytes BE). The bytes themselves are in
/// the file (<c>Snapshots/SnapshotFileFormat</c>), never in RocksDB.</description></item>
/// </list>
/// </remarks>
public static class RaftLogSchema
{
    public const string LogColumnFamily = "raft_log";
    public const string StateColumnFamily = "raft_state";

    public static IReadOnlyList<string> ColumnFamilies { get; } = [LogColumnFamily, StateColumnFamily];

    public static ReadOnlySpan<byte> HardStateKey => "hard_state"u8;

    public static ReadOnlySpan<byte> LogStartKey => "log_start"u8;

    public static ReadOnlySpan<byte> SnapshotKey => "snapshot"u8;

    public const int EntryHeaderBytes = 9;

    public static void WriteIndexKey(Span<byte> destination, ulong index) => BinaryPrimitives.WriteUInt64BigEndian(destination, index);

    public static ulong ReadIndexKey(ReadOnlySpan<byte> key)
        => key.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(key) : throw Corrupt($"raft_log key of {key.Length} bytes (expected 8)");

    public static byte[] EncodeEntry(in Entry entry)
    {
        var value = new byte[EntryHeaderBytes + entry.Data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, entry.Term);
        value[8] = (byte)entry.Type;
        entry.Data.CopyTo(value.AsSpan(EntryHeaderBytes));
        return value;
    }

    public static void EncodeEntryHeader(Span<byte> header, in Entry entry)
    {
        BinaryPrimitives.WriteUInt64BigEndian(header, entry.Term);
        header[8] = (byte)entry.Type;
    }

    public static Entry DecodeEntry(ulong index, ReadOnlySpan<byte> value)
    {
        if (value.Length < EntryHeaderBytes)
        {
            throw Corrupt($"raft_log entry {index} has {value.Length} bytes (at least {EntryHeaderBytes} expected)");
        }

        return new Entry(index, BinaryPrimitives.ReadUInt64BigEndian(value), value[EntryHeaderBytes..].ToArray(), (EntryType)value[8]);
    }

    public static ulong DecodeEntryTerm(ulong index, ReadOnlySpan<byte> value)
        => value.Length >= EntryHeaderBytes ? BinaryPrimitives.ReadUInt64BigEndian(value) : throw Corrupt($"raft_log entry {index} has {value.Length} bytes");

    public static byte[] EncodeHardState(HardState state)
    {
        var value = new byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(value, state.Term);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), state.Vote);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(16), state.Commit);
        return value;
    }

    public static HardState DecodeHardState(ReadOnlySpan<byte> value)
        => value.Length == 24
            ? new HardState(BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt64BigEndian(value[8..]), BinaryPrimitives.ReadUInt64BigEndian(value[16..]))
            : throw Corrupt($"hard_state has {value.Length} bytes (24 expected)");

    public static byte[] EncodeLogStart(ulong index, ulong term)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(value, index);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), term);
        return value;
    }

    public static (ulong Index, ulong Term) DecodeLogStart(ReadOnlySpan<byte> value)
        => value.Length == 16
            ? (BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt64BigEndian(value[8..]))
            : throw Corrupt($"log_start has {value.Length} bytes (16 expected)");

    /// <summary>Encodes a snapshot record: its metadata and a reference to its file (never the bytes themselves).</summary>
    public static byte[] EncodeSnapshot(SnapshotMetadata metadata, string fileName, ulong length)
    {
        var voters = metadata.Voters;
        var name = Encoding.UTF8.GetBytes(fileName);
        if (name.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Snapshot file name of {name.Length} bytes is too long.", nameof(fileName));
        }

        var value = new byte[20 + 8 * voters.Count + 2 + name.Length + 8];
        BinaryPrimitives.WriteUInt64BigEndian(value, metadata.Index);
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), metadata.Term);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(16), voters.Count);
        for (var i = 0; i < voters.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(20 + 8 * i), voters[i]);
        }

        var at = 20 + 8 * voters.Count;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(at), (ushort)name.Length);
        name.CopyTo(value.AsSpan(at + 2));
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(at + 2 + name.Length), length);
        return value;
    }

    /// <summary>Decodes a snapshot record: the metadata, the file name (empty when there is no data) and its length.</summary>
    public static (SnapshotMetadata Metadata, string FileName, ulong Length) DecodeSnapshot(ReadOnlySpan<byte> value)
    {
        if (value.Length < 20)
        {
            throw Corrupt($"snapshot record has {value.Length} bytes (at least 20 expected)");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(value[16..]);
        if (count < 0 || 20 + 8L * count + 2 > value.Length)
        {
            throw Corrupt($"snapshot record claims {count} voters in {value.Length} bytes");
        }

        var voters = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            voters[i] = BinaryPrimitives.ReadUInt64BigEndian(value[(20 + 8 * i)..]);
        }

        var at = 20 + 8 * count;
        var nameLength = BinaryPrimitives.ReadUInt16BigEndian(value[at..]);
        if (at + 2 + nameLength + 8 != value.Length)
        {
            throw Corrupt($"snapshot record of {value.Length} bytes has a file name of {nameLength} bytes (a store written before snapshots moved to files?)");
        }

        var metadata = new SnapshotMetadata(BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt64BigEndian(value[8..]), voters);
        var fileName = Encoding.UTF8.GetString(value.Slice(at + 2, nameLength));
        return (metadata, fileName, BinaryPrimitives.ReadUInt64BigEndian(value[(at + 2 + nameLength)..]));
    }

    private static InvalidDataException Corrupt(string what)
        => new($"The raft log store is corrupt: {what}. Restore this node from a peer (wipe its raft directory) rather than repairing it by hand.");
}
