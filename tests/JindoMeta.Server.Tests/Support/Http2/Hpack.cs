using System.Text;

namespace JindoMeta.Server.Tests.Support.Http2;

/// <summary>
/// Just enough HPACK (RFC 7541) for the raw tests. Requests are encoded as "literal header field without
/// indexing, new name" with plain strings, which every decoder must accept and which leaves no state behind.
/// Responses are decoded in full except Huffman-coded strings, which fail loudly (Kestrel sends none; if that
/// changes, the failure names the header block instead of a wrong value).
/// </summary>
public static class Hpack
{
    /// <summary>RFC 7541 Appendix A, index 1..61.</summary>
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    public static byte[] Encode(IEnumerable<(string Name, string Value)> headers)
    {
        var block = new List<byte>();
        foreach (var (name, value) in headers)
        {
            block.Add(0x00); // literal without indexing, new name
            WriteString(block, name);
            WriteString(block, value);
        }

        return [.. block];
    }

    private static void WriteString(List<byte> block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        WriteInteger(block, 0x00, 7, bytes.Length); // H = 0: no Huffman coding
        block.AddRange(bytes);
    }

    private static void WriteInteger(List<byte> block, byte firstBits, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(firstBits | value));
            return;
        }

        block.Add((byte)(firstBits | max));
        for (value -= max; value >= 0x80; value >>= 7)
        {
            block.Add((byte)((value & 0x7F) | 0x80));
        }

        block.Add((byte)value);
    }

    /// <summary>One connection's decoding state: the dynamic table the peer's encoder fills.</summary>
    public sealed class Decoder
    {
        private readonly LinkedList<(string Name, string Value)> _dynamic = new(); // newest first
        private int _dynamicSize;
        private int _maxDynamicSize = 4096; // SETTINGS_HEADER_TABLE_SIZE default; the raw client never changes it

        public List<(string Name, string Value)> Decode(byte[] block)
        {
            var headers = new List<(string, string)>();
            var position = 0;
            while (position < block.Length)
            {
                var first = block[position];
                if ((first & 0x80) != 0)
                {
                    headers.Add(Lookup(ReadInteger(block, ref position, 7)));
                }
                else if ((first & 0xC0) == 0x40)
                {
                    var header = ReadLiteral(block, ref position, 6);
                    headers.Add(header);
                    Insert(header);
                }
                else if ((first & 0xE0) == 0x20)
                {
                    _maxDynamicSize = ReadInteger(block, ref position, 5);
                    Evict();
                }
                else
                {
                    headers.Add(ReadLiteral(block, ref position, 4)); // without indexing (0x00) or never indexed (0x10)
                }
            }

            return headers;
        }

        private (string, string) ReadLiteral(byte[] block, ref int position, int prefixBits)
        {
            var index = ReadInteger(block, ref position, prefixBits);
            var name = index == 0 ? ReadString(block, ref position) : Lookup(index).Name;
            return (name, ReadString(block, ref position));
        }

        private (string Name, string Value) Lookup(int index)
        {
            if (index is >= 1 and <= 61)
            {
                return StaticTable[index - 1];
            }

            var dynamicIndex = index - 62;
            if (index < 1 || dynamicIndex >= _dynamic.Count)
            {
                throw new InvalidDataException($"HPACK index {index} is outside the tables ({_dynamic.Count} dynamic entries)");
            }

            return _dynamic.ElementAt(dynamicIndex);
        }

        private void Insert((string Name, string Value) header)
        {
            _dynamic.AddFirst(header);
            _dynamicSize += EntrySize(header);
            Evict();
        }

        private void Evict()
        {
            while (_dynamicSize > _maxDynamicSize && _dynamic.Last is { } oldest)
            {
                _dynamicSize -= EntrySize(oldest.Value);
                _dynamic.RemoveLast();
            }
        }

        private static int EntrySize((string Name, string Value) header) => 32 + header.Name.Length + header.Value.Length;

        private static string ReadString(byte[] block, ref int position)
        {
            var huffman = (block[position] & 0x80) != 0;
            var length = ReadInteger(block, ref position, 7);
            if (huffman)
            {
                throw new NotSupportedException("the peer sent a Huffman-coded header string; the test decoder reads plain strings only");
            }

            var text = Encoding.Latin1.GetString(block, position, length);
            position += length;
            return text;
        }

        private static int ReadInteger(byte[] block, ref int position, int prefixBits)
        {
            var max = (1 << prefixBits) - 1;
            var value = block[position++] & max;
            if (value < max)
            {
                return value;
            }

            for (var shift = 0; ; shift += 7)
            {
                var next = block[position++];
                value += (next & 0x7F) << shift;
                if ((next & 0x80) == 0)
                {
                    return value;
                }
            }
        }
    }
}
