using System.Buffers.Binary;
using System.Text;

namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>
/// Writes PlainBuffer fields (PROTOCOL.md section 3): little-endian lengths, UTF-8 names, CRC-8 per cell and per row,
/// no trailing padding.
/// </summary>
internal sealed class PlainBufferWriter
{
    private byte[] _buffer;
    private int _position;

    public PlainBufferWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    public int Length => _position;

    public static byte[] EncodeKey(PrimaryKey key)
    {
        var writer = new PlainBufferWriter();
        writer.WriteHeader();
        writer.WriteRow(key, ReadOnlySpan<Column>.Empty, deleteMarker: false);
        return writer.ToArray();
    }

    public static byte[] EncodeDelete(PrimaryKey key)
    {
        var writer = new PlainBufferWriter();
        writer.WriteHeader();
        writer.WriteRow(key, ReadOnlySpan<Column>.Empty, deleteMarker: true);
        return writer.ToArray();
    }

    public static byte[] EncodeRow(PrimaryKey key, IReadOnlyList<Column> columns)
    {
        var writer = new PlainBufferWriter(128 + (columns.Count * 32));
        writer.WriteHeader();
        writer.WriteRow(key, columns is Column[] array ? array : columns.ToArray(), deleteMarker: false);
        return writer.ToArray();
    }

    public static byte[] EncodeUpdate(PrimaryKey key, IReadOnlyList<ColumnUpdate> updates)
    {
        var writer = new PlainBufferWriter(128 + (updates.Count * 32));
        writer.WriteHeader();
        var rowCrc = writer.WritePrimaryKey(key);
        if (updates.Count > 0)
        {
            writer.WriteByte(PlainBufferTags.RowData);
            foreach (var update in updates)
            {
                var op = update.Operation switch
                {
                    CellOperation.DeleteAllVersions => PlainBufferTags.OpDeleteAllVersions,
                    CellOperation.DeleteOneVersion => PlainBufferTags.OpDeleteOneVersion,
                    CellOperation.Increment => PlainBufferTags.OpIncrement,
                    _ => (byte)0,
                };
                rowCrc = Crc8.Update(rowCrc, writer.WriteCell(update.Name, update.Value, op, update.Timestamp));
            }
        }
        writer.WriteRowChecksum(rowCrc, deleteMarker: false);
        return writer.ToArray();
    }

    /// <summary>A filter value: type byte + payload, no tag, no length, no checksum (section 3.7).</summary>
    public static byte[] EncodeVariant(ColumnValue value)
    {
        var writer = new PlainBufferWriter(16 + value.PayloadLength);
        writer.WriteValuePayload(value);
        return writer.ToArray();
    }

    public void WriteHeader() => WriteUInt32(PlainBufferTags.Header);

    public void WriteRow(PrimaryKey key, ReadOnlySpan<Column> columns, bool deleteMarker)
    {
        var rowCrc = WritePrimaryKey(key);
        if (columns.Length > 0)
        {
            WriteByte(PlainBufferTags.RowData);
            foreach (var column in columns)
            {
                rowCrc = Crc8.Update(rowCrc, WriteCell(column.Name, column.Value, 0, column.Timestamp));
            }
        }
        if (deleteMarker)
        {
            WriteByte(PlainBufferTags.DeleteRowMarker);
        }
        WriteRowChecksum(rowCrc, deleteMarker);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _position).ToArray();

    private byte WritePrimaryKey(PrimaryKey key)
    {
        WriteByte(PlainBufferTags.RowPk);
        byte rowCrc = 0;
        for (var i = 0; i < key.Count; i++)
        {
            rowCrc = Crc8.Update(rowCrc, WriteCell(key[i].Name, key[i].Value, 0, null));
        }
        return rowCrc;
    }

    private void WriteRowChecksum(byte rowCrc, bool deleteMarker)
    {
        rowCrc = Crc8.Update(rowCrc, deleteMarker ? (byte)1 : (byte)0);
        WriteByte(PlainBufferTags.RowChecksum);
        WriteByte(rowCrc);
    }

    private byte WriteCell(string name, ColumnValue? value, byte operation, long? timestamp)
    {
        WriteByte(PlainBufferTags.Cell);
        WriteByte(PlainBufferTags.CellName);
        var nameLength = Encoding.UTF8.GetByteCount(name);
        WriteUInt32((uint)nameLength);
        Ensure(nameLength);
        var nameStart = _position;
        _position += Encoding.UTF8.GetBytes(name, _buffer.AsSpan(_position));
        var crc = Crc8.Update(0, _buffer.AsSpan(nameStart, nameLength));
        if (value is { } v)
        {
            WriteByte(PlainBufferTags.CellValue);
            WriteUInt32((uint)(1 + v.PayloadLength));
            var valueStart = _position;
            WriteValuePayload(v);
            crc = Crc8.Update(crc, _buffer.AsSpan(valueStart, _position - valueStart));
        }
        if (operation != 0)
        {
            WriteByte(PlainBufferTags.CellType);
            WriteByte(operation);
        }
        if (timestamp is { } ts)
        {
            WriteByte(PlainBufferTags.CellTimestamp);
            Ensure(8);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_position), ts);
            _position += 8;
            crc = Crc8.Update(crc, ts);
        }
        // The checksum takes the timestamp before the operation although the wire has them the other way round.
        if (operation != 0)
        {
            crc = Crc8.Update(crc, operation);
        }
        WriteByte(PlainBufferTags.CellChecksum);
        WriteByte(crc);
        return crc;
    }

    private void WriteValuePayload(ColumnValue value)
    {
        WriteByte((byte)value.Type);
        switch (value.Type)
        {
            case ColumnValueType.Integer:
            case ColumnValueType.Double:
                Ensure(8);
                BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_position), value.RawBits);
                _position += 8;
                break;
            case ColumnValueType.Boolean:
                WriteByte((byte)value.RawBits);
                break;
            case ColumnValueType.String:
                var text = value.AsString();
                var length = Encoding.UTF8.GetByteCount(text);
                WriteUInt32((uint)length);
                Ensure(length);
                _position += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_position));
                break;
            case ColumnValueType.Binary:
                var bytes = value.AsBinary();
                WriteUInt32((uint)bytes.Length);
                Ensure(bytes.Length);
                bytes.CopyTo(_buffer.AsSpan(_position));
                _position += bytes.Length;
                break;
            default:
                break;
        }
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_position++] = value;
    }

    private void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    private void Ensure(int count)
    {
        if (_position + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _position + count));
        }
    }
}
