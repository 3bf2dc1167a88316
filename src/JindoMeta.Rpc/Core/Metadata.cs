using System.Collections;

namespace JindoMeta.Rpc;

/// <summary>
/// Call metadata (request headers, response headers or trailers). Keys are lowercase; a key ending in "-bin"
/// carries bytes (base64 on the wire), every other key a printable-ASCII string.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    public void Add(string key, string value)
    {
        key = ValidateKey(key);
        if (IsBinaryKey(key))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in -bin and needs a byte[] value.", nameof(key));
        }

        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                throw new ArgumentException(
                    $"Metadata value for '{key}' must be printable ASCII; use a '-bin' key for other data.", nameof(value));
            }
        }

        _entries.Add(new Entry(key, value, null));
    }

    public void Add(string key, byte[] value)
    {
        key = ValidateKey(key);
        if (!IsBinaryKey(key))
        {
            throw new ArgumentException($"Metadata key '{key}' carries bytes and must end in '-bin'.", nameof(key));
        }

        _entries.Add(new Entry(key, null, value));
    }

    /// <summary>The first string value for the key, or null.</summary>
    public string? GetString(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key && !entry.IsBinary)
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>The first binary value for the key (which ends in -bin), or null.</summary>
    public byte[]? GetBytes(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key && entry.IsBinary)
            {
                return entry.ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.Ordinal);

    /// <summary>Headers that belong to the protocol, not to the application: never surfaced as metadata.</summary>
    internal static bool IsReserved(string key) =>
        key.StartsWith(':') || key.StartsWith("grpc-", StringComparison.Ordinal) ||
        key is "content-type" or "te" or "host" or "connection" or "transfer-encoding" or "content-length" or "keep-alive"
            or "upgrade" or "proxy-connection" or "date" or "accept-encoding";

    /// <summary>Adds a header received from the wire; -bin values are base64, padded or not. Returns false if malformed.</summary>
    internal bool TryAddFromWire(string key, string value)
    {
        if (!IsBinaryKey(key))
        {
            _entries.Add(new Entry(key, value, null));
            return true;
        }

        var bytes = DecodeBase64(value);
        if (bytes is null)
        {
            return false;
        }

        _entries.Add(new Entry(key, null, bytes));
        return true;
    }

    /// <summary>The wire form of an entry's value: -bin values as unpadded base64 (the spec says to emit unpadded).</summary>
    internal static string ToWireValue(Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes!).TrimEnd('=') : entry.Value!;

    private static byte[]? DecodeBase64(string value)
    {
        var text = value.Trim();
        var padding = (4 - (text.Length % 4)) % 4;
        if (padding == 3)
        {
            return null;
        }

        if (padding > 0)
        {
            text += new string('=', padding);
        }

        var buffer = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer.AsSpan(0, written).ToArray() : null;
    }

    private static string ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        key = key.ToLowerInvariant();
        foreach (var c in key)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                throw new ArgumentException($"Metadata key '{key}' may only contain a-z, 0-9, '-', '_' and '.'.", nameof(key));
            }
        }

        if (IsReserved(key))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved for the gRPC protocol.", nameof(key));
        }

        return key;
    }

    /// <summary>One metadata entry: exactly one of <see cref="Value"/> and <see cref="ValueBytes"/> is set.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        public bool IsBinary => ValueBytes is not null;
    }
}
