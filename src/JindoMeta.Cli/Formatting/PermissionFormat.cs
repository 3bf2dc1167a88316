using System.Globalization;

namespace JindoMeta.Cli.Formatting;

/// <summary>Permission bits as Hadoop's FsPermission prints them.</summary>
public static class PermissionFormat
{
    public const uint StickyBit = 0x200; // octal 1000

    /// <summary>"rwxr-xr-x"; with the sticky bit the last character is 't' (others may execute) or 'T'.</summary>
    public static string Symbolic(uint permission)
    {
        Span<char> text = stackalloc char[9];
        const string Letters = "rwx";
        for (var i = 0; i < 9; i++)
        {
            var bit = 1u << (8 - i);
            text[i] = (permission & bit) != 0 ? Letters[i % 3] : '-';
        }

        if ((permission & StickyBit) != 0)
        {
            text[8] = (permission & 1) != 0 ? 't' : 'T';
        }

        return new string(text);
    }

    /// <summary>The octal digits as a number, as Hadoop's toOctal: 755, 1777, 644, 0.</summary>
    public static string Octal(uint permission)
    {
        var value = (((permission >> 9) & 1) * 1000) + (((permission >> 6) & 7) * 100) + (((permission >> 3) & 7) * 10) + (permission & 7);
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
