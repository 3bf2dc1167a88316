using System.Security.Cryptography;
using System.Text;

namespace JindoMeta.TableStore.Signing;

/// <summary>
/// The Tablestore "V2" request signature and the reply signature (PROTOCOL.md 1.5 and 1.7), shared by the client and
/// the emulator. Canonical lines are every <c>x-ots-*</c> header except the signature itself, lowercase name, trimmed
/// value, sorted by name in ordinal order.
/// </summary>
public static class OtsSignature
{
    public const string ApiVersion = "2015-12-31";
    public const string EmptyBodyMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==";

    public static string ContentMd5(ReadOnlySpan<byte> body)
    {
        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(body, digest);
        return Convert.ToBase64String(digest);
    }

    /// <summary><c>/Operation\nPOST\n\n</c> followed by one <c>name:value\n</c> line per signed header.</summary>
    public static string RequestStringToSign(string path, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var builder = new StringBuilder(256);
        builder.Append(path).Append("\nPOST\n\n");
        foreach (var (name, value) in CanonicalHeaders(headers))
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>Header lines first, then <c>/Operation</c> last, no method and no blank line.</summary>
    public static string ResponseStringToSign(string operation, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var builder = new StringBuilder(256);
        foreach (var (name, value) in CanonicalHeaders(headers))
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
        builder.Append('/').Append(operation);
        return builder.ToString();
    }

    public static string Sign(string secret, string stringToSign)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var message = Encoding.UTF8.GetBytes(stringToSign);
        return Convert.ToBase64String(HMACSHA1.HashData(key, message));
    }

    /// <summary>Constant-time comparison of two Base64 signatures.</summary>
    public static bool SignaturesEqual(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));

    /// <summary>ISO-8601 UTC with milliseconds, as the SDKs send in <c>x-ots-date</c>.</summary>
    public static string FormatRequestDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Replies carry microseconds, as the live service does.</summary>
    public static string FormatResponseDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lenient: <c>yyyy-MM-ddTHH:mm:ss</c>, an optional dot with any digit run, then <c>Z</c>.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset time)
    {
        time = default;
        if (text is null || text.Length < 20 || text[^1] != 'Z')
        {
            return false;
        }
        if (!DateTime.TryParseExact(text.AsSpan(0, 19), "yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var seconds))
        {
            return false;
        }
        var rest = text.AsSpan(19, text.Length - 20);
        if (rest.Length > 0)
        {
            if (rest[0] != '.' || rest.Length == 1)
            {
                return false;
            }
            foreach (var c in rest[1..])
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
            }
        }
        time = new DateTimeOffset(DateTime.SpecifyKind(seconds, DateTimeKind.Utc));
        return true;
    }

    private static List<(string Name, string Value)> CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var lines = new List<(string Name, string Value)>(8);
        foreach (var (name, value) in headers)
        {
            if (!name.StartsWith("x-ots-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var lower = name.ToLowerInvariant();
            if (lower is "x-ots-signature" or "x-ots-signaturev4")
            {
                continue;
            }
            lines.Add((lower, value.Trim()));
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return lines;
    }
}
