using System.Buffers.Binary;
using System.Text;

namespace JindoMeta.TableStore.Emulator.Storage;

/// <summary>Kinds of records in the emulator's durable log.</summary>
internal enum LogRecordKind : byte
{
    CreateTable = 1,
    DeleteTable = 2,
    /// <summary>Row images: each the whole row after a write (all versions), or a delete marker.</summary>
    Rows = 3,
}

/// <summary>
/// Append-only, fsync'd log of the emulator's state changes, replayed at start-up. Record layout:
/// <c>u32 length | u32 crc32(payload) | payload = kind byte + body</c>. A torn or corrupt tail (crash mid-append) is
/// cut off at replay; everything acknowledged before it was fsync'd and is kept.
/// </summary>
internal sealed class OperationLog : IEmulatorStore
{
    public const string FileName = "tablestore-emulator.log";
    private readonly FileStream _file;

    public OperationLog(string directory)
    {
        Directory.CreateDirectory(directory);
        try
        {
            // FileShare.None takes an exclusive flock on Unix: a second emulator cannot append to the same log.
            _file = new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None);
        }
        catch (IOException e) when (e.HResult == LockHeldErrno)
        {
            throw new DataDirectoryInUseException(directory, "another emulator", "operation log lock held", e);
        }
    }

    /// <summary>EWOULDBLOCK: .NET reports a refused flock as an IOException whose HResult is the errno.</summary>
    private static int LockHeldErrno => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 35 : 11;

    public void CreateTable(string table, byte[] createRecord) => Append(LogRecordKind.CreateTable, createRecord);

    public void DeleteTable(string table) => Append(LogRecordKind.DeleteTable, Encoding.UTF8.GetBytes(table));

    public void WriteRows(IReadOnlyList<RowImage> rows) =>
        Append(LogRecordKind.Rows, EncodeRows(rows.Select(r => (r.Table, r.Image ?? PlainBuffer.PlainBufferWriter.EncodeDelete(r.Key))).ToArray()));

    /// <summary>Feeds every intact record to <paramref name="replay"/> and cuts off a torn tail.</summary>
    public void Load(IEmulatorStoreReplay replay)
    {
        var file = _file;
        file.Position = 0;
        var content = new byte[file.Length];
        file.ReadExactly(content);
        var position = 0;
        while (content.Length - position >= 9)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(position));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(position + 4));
            if (length < 1 || length > content.Length - position - 8)
            {
                break;
            }
            var payload = content.AsMemory(position + 8, length);
            if (Crc32.Compute(payload.Span) != crc)
            {
                break;
            }
            Replay(replay, (LogRecordKind)payload.Span[0], payload[1..]);
            position += 8 + length;
        }
        if (position != content.Length)
        {
            file.SetLength(position);
        }
        file.Position = position;
    }

    private static void Replay(IEmulatorStoreReplay replay, LogRecordKind kind, ReadOnlyMemory<byte> body)
    {
        switch (kind)
        {
            case LogRecordKind.CreateTable:
                replay.TableCreated(body.Span);
                break;
            case LogRecordKind.DeleteTable:
                replay.TableDeleted(Encoding.UTF8.GetString(body.Span));
                break;
            case LogRecordKind.Rows:
                foreach (var (table, row) in DecodeRows(body))
                {
                    replay.RowWritten(table, row.Span);
                }
                break;
            default:
                throw new InvalidDataException($"unknown emulator log record kind {(byte)kind}");
        }
    }

    private void Append(LogRecordKind kind, ReadOnlySpan<byte> body)
    {
        var record = new byte[9 + body.Length];
        record[8] = (byte)kind;
        body.CopyTo(record.AsSpan(9));
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(record.AsSpan(8)));
        _file.Write(record);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Body of a Rows record: repeated <c>u16 table-name length | name | u32 row length | PlainBuffer row</c>.</summary>
    private static byte[] EncodeRows(IReadOnlyList<(string Table, byte[] Row)> rows)
    {
        var size = rows.Sum(r => 6 + Encoding.UTF8.GetByteCount(r.Table) + r.Row.Length);
        var buffer = new byte[size];
        var position = 0;
        foreach (var (table, row) in rows)
        {
            var nameLength = Encoding.UTF8.GetBytes(table, buffer.AsSpan(position + 2));
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(position), (ushort)nameLength);
            position += 2 + nameLength;
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(position), row.Length);
            row.CopyTo(buffer.AsSpan(position + 4));
            position += 4 + row.Length;
        }
        return buffer;
    }

    private static IEnumerable<(string Table, ReadOnlyMemory<byte> Row)> DecodeRows(ReadOnlyMemory<byte> body)
    {
        var position = 0;
        while (position < body.Length)
        {
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(body.Span[position..]);
            var table = Encoding.UTF8.GetString(body.Span.Slice(position + 2, nameLength));
            position += 2 + nameLength;
            var rowLength = BinaryPrimitives.ReadInt32LittleEndian(body.Span[position..]);
            yield return (table, body.Slice(position + 4, rowLength));
            position += 4 + rowLength;
        }
    }

    public void Dispose() => _file.Dispose();
}
