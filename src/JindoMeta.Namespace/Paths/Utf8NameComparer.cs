namespace JindoMeta.Namespace.Paths;

/// <summary>
/// Orders names as their UTF-8 bytes compare (code point order), which is how the dentry keys sort in
/// RocksDB and Tablestore. Plain ordinal UTF-16 comparison differs for supplementary characters
/// (surrogates sort below U+E000..U+FFFF in UTF-16 but above them in UTF-8).
/// </summary>
public sealed class Utf8NameComparer : IComparer<string>
{
    public static Utf8NameComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return CodePointRank(a) - CodePointRank(b);
            }
        }

        return x.Length - y.Length;
    }

    // Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF, giving code point order.
    private static int CodePointRank(char c) => c < 0xD800 ? c : c < 0xE000 ? c + 0x2000 : c - 0x800;
}
