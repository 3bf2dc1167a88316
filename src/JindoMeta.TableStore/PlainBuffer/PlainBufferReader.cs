using System.Buffers.Binary;
using System.Text;

namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>
/// Reads PlainBuffer fields, verifying every cell and row checksum. Throws <see cref="PlainBufferException"/> naming
/// the offset and the problem; never reads past the span.
/// </summary>
internal ref struct PlainBufferReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Column names repeat from row to row (a 5000-row GetRange page has a handful); reuse their strings.
    private const int NameCacheSize = 16;

    private readonly ReadOnlySpan<byte> _data;
    private readonly List<PrimaryKeyColumn> _key;
    private readonly List<PlainBufferCell> _cells;
    private readonly (byte[] Utf8, string Text)[] _names;
    private int _nameCount;
    private int _position;

    private PlainBufferReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _key = new List<PrimaryKeyColumn>(4);
        _cells = new List<PlainBufferCell>(8);
        _names = new (byte[], string)[NameCacheSize];
        _nameCount = 0;
    }

    /// <summary>A field that holds exactly one row; trailing zero bytes (Node SDK 5.6.5 padding) are ignored.</summary>
    public static PlainBufferRow ReadSingleRow(ReadOnlySpan<byte> data)
    {
        var reader = new PlainBufferReader(data);
        reader.ReadHeader();
        var row = reader.ReadRow();
        foreach (var b in data[reader._position..])
        {
            if (b != 0)
            {
                throw new PlainBufferException($"unexpected bytes after the row checksum at offset {reader._position}");
            }
        }
        return row;
    }

    /// <summary>A field with zero or more rows after one header (GetRange replies); empty means no rows.</summary>
    public static List<PlainBufferRow> ReadRows(ReadOnlySpan<byte> data)
    {
        var rows = new List<PlainBufferRow>();
        if (data.IsEmpty)
        {
            return rows;
        }
        var reader = new PlainBufferReader(data);
        reader.ReadHeader();
        while (reader._position < data.Length)
        {
            rows.Add(reader.ReadRow());
        }
        return rows;
    }

    /// <summary>A filter value: type byte + payload.</summary>
    public static ColumnValue ReadVariant(ReadOnlySpan<byte> data)
    {
        var reader = new PlainBufferReader(data);
        var value = reader.ReadValuePayload(data.Length, out _);
        if (reader._position != data.Length)
        {
            throw new PlainBufferException("unexpected bytes after the filter value");
        }
        return value;
    }

    private void ReadHeader()
    {
        if (_data.Length < 4)
        {
            throw new PlainBufferException("truncated PlainBuffer: no header");
        }
        var header = BinaryPrimitives.ReadUInt32LittleEndian(_data);
        if (header != PlainBufferTags.Header)
        {
            throw new PlainBufferException($"bad PlainBuffer header 0x{header:x8}, expected 0x00000075");
        }
        _position = 4;
    }

    private PlainBufferRow ReadRow()
    {
        Expect(PlainBufferTags.RowPk, "TAG_ROW_PK");
        byte rowCrc = 0;
        var key = _key;
        key.Clear();
        while (Peek() == PlainBufferTags.Cell)
        {
            var cell = ReadCell(out var cellCrc);
            if (cell.Value is null || cell.Operation != 0 || cell.Timestamp is not null)
            {
                throw new PlainBufferException($"primary-key cell '{cell.Name}' must have a value and nothing else");
            }
            key.Add(new PrimaryKeyColumn(cell.Name, cell.Value.Value));
            rowCrc = Crc8.Update(rowCrc, cellCrc);
        }
        var cells = _cells;
        cells.Clear();
        if (Peek() == PlainBufferTags.RowData)
        {
            _position++;
            while (Peek() == PlainBufferTags.Cell)
            {
                cells.Add(ReadCell(out var cellCrc));
                rowCrc = Crc8.Update(rowCrc, cellCrc);
            }
        }
        var deleteMarker = false;
        if (Peek() == PlainBufferTags.DeleteRowMarker)
        {
            _position++;
            deleteMarker = true;
        }
        if (Peek() == PlainBufferTags.Extension)
        {
            _position++;
            var length = ReadLength("extension");
            _position += length;
        }
        Expect(PlainBufferTags.RowChecksum, "TAG_ROW_CHECKSUM");
        var expected = ReadByte();
        rowCrc = Crc8.Update(rowCrc, deleteMarker ? (byte)1 : (byte)0);
        if (rowCrc != expected)
        {
            throw new PlainBufferException($"row checksum mismatch at offset {_position - 1}: computed 0x{rowCrc:x2}, found 0x{expected:x2}");
        }
        return new PlainBufferRow(new PrimaryKey(key.ToArray(), takeOwnership: true), cells.ToArray(), deleteMarker);
    }

    private PlainBufferCell ReadCell(out byte crc)
    {
        var start = _position;
        Expect(PlainBufferTags.Cell, "TAG_CELL");
        Expect(PlainBufferTags.CellName, "TAG_CELL_NAME");
        var nameLength = ReadLength("cell name");
        var nameBytes = _data.Slice(_position, nameLength);
        var name = ReadName(nameBytes);
        _position += nameLength;
        crc = Crc8.Update(0, nameBytes);
        ColumnValue? value = null;
        if (Peek() == PlainBufferTags.CellValue)
        {
            _position++;
            var valueLength = ReadLength("cell value");
            var valueStart = _position;
            value = ReadValuePayload(valueLength, out var payloadLength);
            if (payloadLength != valueLength)
            {
                throw new PlainBufferException($"cell '{name}' declares a {valueLength}-byte value but holds {payloadLength}");
            }
            crc = Crc8.Update(crc, _data.Slice(valueStart, valueLength));
        }
        byte operation = 0;
        if (Peek() == PlainBufferTags.CellType)
        {
            _position++;
            operation = ReadByte();
            if (operation is not (PlainBufferTags.OpDeleteAllVersions or PlainBufferTags.OpDeleteOneVersion or PlainBufferTags.OpIncrement))
            {
                throw new PlainBufferException($"cell '{name}' has unknown operation 0x{operation:x2}");
            }
        }
        long? timestamp = null;
        if (Peek() == PlainBufferTags.CellTimestamp)
        {
            _position++;
            Need(8, "cell timestamp");
            timestamp = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
            _position += 8;
            crc = Crc8.Update(crc, timestamp.Value);
        }
        if (operation != 0)
        {
            crc = Crc8.Update(crc, operation);
        }
        Expect(PlainBufferTags.CellChecksum, "TAG_CELL_CHECKSUM");
        var expected = ReadByte();
        if (expected != crc)
        {
            throw new PlainBufferException($"cell checksum mismatch for cell at offset {start}: computed 0x{crc:x2}, found 0x{expected:x2}");
        }
        return new PlainBufferCell(name, value, operation, timestamp);
    }

    private ColumnValue ReadValuePayload(int available, out int consumed)
    {
        var start = _position;
        if (available < 1)
        {
            throw new PlainBufferException($"empty value at offset {_position}");
        }
        var type = (ColumnValueType)ReadByte();
        ColumnValue value;
        switch (type)
        {
            case ColumnValueType.Integer:
                Need(8, "integer");
                value = ColumnValue.Integer(BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]));
                _position += 8;
                break;
            case ColumnValueType.Double:
                Need(8, "double");
                value = ColumnValue.Double(BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]));
                _position += 8;
                break;
            case ColumnValueType.Boolean:
                var flag = ReadByte();
                if (flag > 1)
                {
                    throw new PlainBufferException($"boolean value {flag} at offset {_position - 1}");
                }
                value = ColumnValue.Boolean(flag == 1);
                break;
            case ColumnValueType.String:
                var textLength = ReadLength("string");
                try
                {
                    value = ColumnValue.String(StrictUtf8.GetString(_data.Slice(_position, textLength)));
                }
                catch (DecoderFallbackException)
                {
                    throw new PlainBufferException($"string value at offset {_position} is not valid UTF-8");
                }
                _position += textLength;
                break;
            case ColumnValueType.Binary:
                var binaryLength = ReadLength("binary");
                value = ColumnValue.Binary(_data.Slice(_position, binaryLength).ToArray());
                _position += binaryLength;
                break;
            case ColumnValueType.InfMin:
                value = ColumnValue.InfMin;
                break;
            case ColumnValueType.InfMax:
                value = ColumnValue.InfMax;
                break;
            case ColumnValueType.AutoIncrement:
                value = ColumnValue.AutoIncrement;
                break;
            case ColumnValueType.Null:
                value = ColumnValue.Null;
                break;
            default:
                throw new PlainBufferException($"unknown value type 0x{(byte)type:x2} at offset {start}");
        }
        consumed = _position - start;
        return value;
    }

    private string ReadName(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < _nameCount; i++)
        {
            if (bytes.SequenceEqual(_names[i].Utf8))
            {
                return _names[i].Text;
            }
        }
        string name;
        try
        {
            name = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new PlainBufferException($"cell name at offset {_position} is not valid UTF-8");
        }
        if (_nameCount < NameCacheSize)
        {
            _names[_nameCount++] = (bytes.ToArray(), name);
        }
        return name;
    }

    private readonly byte Peek() => _position < _data.Length ? _data[_position] : (byte)0xFF;

    private byte ReadByte()
    {
        Need(1, "byte");
        return _data[_position++];
    }

    private int ReadLength(string what)
    {
        Need(4, what + " length");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        if (length > (uint)(_data.Length - _position))
        {
            throw new PlainBufferException($"truncated PlainBuffer: {what} of {length} bytes at offset {_position} runs past the end ({_data.Length} bytes)");
        }
        return (int)length;
    }

    private void Expect(byte tag, string name)
    {
        if (_position >= _data.Length)
        {
            throw new PlainBufferException($"truncated PlainBuffer: expected {name} at offset {_position}");
        }
        if (_data[_position] != tag)
        {
            throw new PlainBufferException($"expected {name} (0x{tag:x2}) at offset {_position}, found 0x{_data[_position]:x2}");
        }
        _position++;
    }

    private readonly void Need(int count, string what)
    {
        if (_data.Length - _position < count)
        {
            throw new PlainBufferException($"truncated PlainBuffer: {what} at offset {_position} needs {count} bytes");
        }
    }
}
