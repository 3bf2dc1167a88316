using System.Globalization;

namespace JindoMeta.Cli.Formatting;

/// <summary>Sizes as `hadoop fs -h` prints them (Hadoop's traditional binary prefixes, one decimal place).</summary>
public static class SizeFormat
{
    private static readonly string[] Symbols = ["K", "M", "G", "T", "P", "E"];

    public static string Format(long value, bool humanReadable) =>
        humanReadable ? Human(value) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>1023 → "1023", 1024 → "1 K", 1536 → "1.5 K", 1048575 → "1.0 M" (a value that rounds to 1024 moves up).</summary>
    public static string Human(long value)
    {
        if (value == long.MinValue)
        {
            return "-8 E";
        }

        var sign = value < 0 ? "-" : string.Empty;
        var n = Math.Abs(value);
        if (n < 1024)
        {
            return sign + n.ToString(CultureInfo.InvariantCulture);
        }

        var index = 0; // K
        while (index + 1 < Symbols.Length && n >= 1L << (10 * (index + 2)))
        {
            index++;
        }

        var shift = 10 * (index + 1);
        string text;
        if ((n & ((1L << shift) - 1)) == 0)
        {
            text = (n >> shift).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            text = OneDecimal(n, shift);
            if (text.StartsWith("1024", StringComparison.Ordinal) && index + 1 < Symbols.Length)
            {
                index++;
                text = OneDecimal(n, shift + 10);
            }
        }

        return $"{sign}{text} {Symbols[index]}";
    }

    // Java's %.1f rounds the exact quotient half-up; integer tenths with a remainder do the same without a double.
    private static string OneDecimal(long n, int shift)
    {
        var scaled = (Int128)n * 10;
        var tenths = scaled >> shift;
        var remainder = scaled - (tenths << shift);
        if (remainder * 2 >= (Int128)1 << shift)
        {
            tenths++;
        }

        return $"{(long)(tenths / 10)}.{(long)(tenths % 10)}";
    }
}
