using System.Buffers;

namespace JindoMeta.Namespace.Schema;

/// <summary>One committed command in the change feed: its index, the time it was ordered at, and its rows.</summary>
public sealed record ChangeEntry(long Index, long TimestampMs, IReadOnlyList<RowChange> Rows);

/// <summary>
/// The change feed value: version 1 = [1][timestamp][row count]{[table][op][key][value if put]}; the index is
/// the row key. Table ids: 0 dentries, 1 meta. Ops: 1 put, 2 delete.
/// </summary>
public static class ChangeFeedCodec
{
    private const byte Version = 1;
    private const byte Put = 1;
    private const byte Delete = 2;
    private const int MaxKeyBytes = 64 * 1024;
    private const int MaxValueBytes = 64 * 1024 * 1024;

    public static byte[] Encode(long timestampMs, IReadOnlyList<RowChange> rows)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (rows.Count * 96));
        var writer = new RecordWriter(buffer);
        writer.Byte(Version);
        writer.Varint(timestampMs);
        writer.UVarint((ulong)rows.Count);
        foreach (var row in rows)
        {
            writer.Byte(TableId(row.Table));
            writer.Byte(row.Value is null ? Delete : Put);
            writer.Bytes(row.Key);
            if (row.Value is not null)
            {
                writer.Bytes(row.Value);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static ChangeEntry Decode(long index, ReadOnlySpan<byte> value)
    {
        var reader = new RecordReader(value, $"change feed entry {index}");
        var version = reader.Byte();
        if (version != Version)
        {
            throw new FormatException($"Malformed change feed entry {index}: unknown version {version}");
        }

        var timestamp = reader.Varint();
        var count = reader.Length(value.Length);
        var rows = new RowChange[count];
        for (var i = 0; i < count; i++)
        {
            var table = TableName(reader.Byte(), index);
            var op = reader.Byte();
            var key = reader.Bytes(MaxKeyBytes);
            rows[i] = op switch
            {
                Put => new RowChange(table, key, reader.Bytes(MaxValueBytes)),
                Delete => new RowChange(table, key, null),
                _ => throw new FormatException($"Malformed change feed entry {index}: unknown row operation {op}"),
            };
        }

        reader.ExpectEnd();
        return new ChangeEntry(index, timestamp, rows);
    }

    private static byte TableId(string table) => table switch
    {
        NamespaceSchema.DentriesTable => 0,
        NamespaceSchema.MetaTable => 1,
        _ => throw new ArgumentException($"Table {table} is not replicated through the change feed", nameof(table)),
    };

    private static string TableName(byte id, long index) => id switch
    {
        0 => NamespaceSchema.DentriesTable,
        1 => NamespaceSchema.MetaTable,
        _ => throw new FormatException($"Malformed change feed entry {index}: unknown table id {id}"),
    };
}
