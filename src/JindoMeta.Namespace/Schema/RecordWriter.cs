using System.Buffers;
using System.Text;

namespace JindoMeta.Namespace.Schema;

/// <summary>Appends varints, length-prefixed strings and bytes to a growable buffer (the codecs' one writer).</summary>
/// <remarks>Public so that codecs outside this project (the raft backend's command codec) share the same primitives.</remarks>
public ref struct RecordWriter(ArrayBufferWriter<byte> buffer)
{
    private readonly ArrayBufferWriter<byte> _buffer = buffer;

    public readonly void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public readonly void UVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    /// <summary>Signed values as zigzag varints, so small negatives stay small.</summary>
    public readonly void Varint(long value) => UVarint((ulong)((value << 1) ^ (value >> 63)));

    public readonly void String(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        UVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(count));
        _buffer.Advance(count);
    }

    public readonly void Bytes(ReadOnlySpan<byte> value)
    {
        UVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Bytes of a length both sides know (no length prefix), e.g. a 16-byte client id.</summary>
    public readonly void FixedBytes(ReadOnlySpan<byte> value) => _buffer.Write(value);
}

/// <summary>Reads what <see cref="RecordWriter"/> wrote; every malformed input is a <see cref="FormatException"/> naming what.</summary>
public ref struct RecordReader(ReadOnlySpan<byte> data, string what)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private readonly string _what = what;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte Byte()
    {
        if (_position >= _data.Length)
        {
            throw Truncated();
        }

        return _data[_position++];
    }

    public ulong UVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException($"Malformed {_what}: a varint is longer than 10 bytes");
    }

    /// <summary>An unsigned varint that must fit 32 bits; <paramref name="field"/> names it in the error.</summary>
    public uint UVarint32(string field)
    {
        var value = UVarint();
        return value <= uint.MaxValue ? (uint)value : throw new FormatException($"Malformed {_what}: {field} {value} does not fit 32 bits");
    }

    public long Varint()
    {
        var raw = UVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int Length(int max)
    {
        var length = UVarint();
        if (length > (ulong)max || length > (ulong)(_data.Length - _position))
        {
            throw new FormatException($"Malformed {_what}: a length of {length} exceeds the limit {max} or the {_data.Length - _position} bytes left");
        }

        return (int)length;
    }

    public string String(int maxBytes)
    {
        var length = Length(maxBytes);
        var value = Encoding.UTF8.GetString(_data.Slice(_position, length));
        _position += length;
        return value;
    }

    public byte[] Bytes(int maxBytes)
    {
        var length = Length(maxBytes);
        var value = _data.Slice(_position, length).ToArray();
        _position += length;
        return value;
    }

    /// <summary>The next <paramref name="count"/> bytes, written by <see cref="RecordWriter.FixedBytes"/>; a view, not a copy.</summary>
    public ReadOnlySpan<byte> FixedBytes(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Truncated();
        }

        var value = _data.Slice(_position, count);
        _position += count;
        return value;
    }

    public readonly void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw new FormatException($"Malformed {_what}: {_data.Length - _position} unexpected bytes at the end");
        }
    }

    private readonly FormatException Truncated() => new($"Malformed {_what}: truncated after {_position} bytes");
}
