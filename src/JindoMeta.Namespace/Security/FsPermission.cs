using System.Globalization;
using JindoMeta.Namespace.Model;

namespace JindoMeta.Namespace.Security;

/// <summary>Helpers for 12-bit permission values (sticky bit + rwx for user, group, other).</summary>
public static class FsPermission
{
    public const ushort StickyBit = 0x200; // octal 1000
    public const ushort Mask = 0x3FF;      // octal 1777

    /// <summary>Parses an octal string such as "755" or "1777"; null if it is not one.</summary>
    public static ushort? ParseOctal(string text)
    {
        if (text.Length is 0 or > 4 || !ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return null;
        }

        var value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return null;
            }

            value = (value * 8) + (c - '0');
        }

        return value <= Mask ? (ushort)value : null;
    }

    public static string ToOctal(ushort permission) => Convert.ToString(permission, 8);

    /// <summary>The `ls -l` form, e.g. "drwxr-xr-x" or "drwxrwxrwt".</summary>
    public static string ToSymbolic(InodeType type, ushort permission) =>
        string.Create(10, (type, permission), static (span, state) =>
        {
            var (type, permission) = state;
            span[0] = type == InodeType.Directory ? 'd' : '-';
            for (var cls = 0; cls < 3; cls++)
            {
                var bits = (permission >> (6 - (3 * cls))) & 7;
                span[1 + (3 * cls)] = (bits & 4) != 0 ? 'r' : '-';
                span[2 + (3 * cls)] = (bits & 2) != 0 ? 'w' : '-';
                span[3 + (3 * cls)] = (bits & 1) != 0 ? 'x' : '-';
            }

            if ((permission & StickyBit) != 0)
            {
                span[9] = (permission & 1) != 0 ? 't' : 'T';
            }
        });

    /// <summary>True when <paramref name="caller"/> is granted <paramref name="access"/> on the inode.</summary>
    /// <remarks>As in HDFS and POSIX, the owner class alone decides for the owner, the group class for members.</remarks>
    public static bool Grants(InodeRecord inode, CallerIdentity caller, FsAction access)
    {
        int bits;
        if (caller.User == inode.Owner)
        {
            bits = inode.Permission >> 6;
        }
        else if (caller.IsMemberOf(inode.Group))
        {
            bits = inode.Permission >> 3;
        }
        else
        {
            bits = inode.Permission;
        }

        var granted = (FsAction)(bits & 7);
        return (granted & access) == access;
    }

    public static string Describe(FsAction access) => access switch
    {
        FsAction.Execute => "EXECUTE",
        FsAction.Write => "WRITE",
        FsAction.Read => "READ",
        FsAction.ReadExecute => "READ_EXECUTE",
        FsAction.WriteExecute => "WRITE_EXECUTE",
        FsAction.All => "ALL",
        _ => access.ToString().ToUpperInvariant(),
    };
}
