using System.Globalization;
using System.Text;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Formatting;

/// <summary>
/// `-stat [format]`: %a octal and %A symbolic permission, %b length, %F type, %g group, %n name, %o block size,
/// %r replication, %u owner, %x/%X access and %y/%Y modification time (%y/%x as yyyy-MM-dd HH:mm:ss in UTC, %Y/%X
/// in milliseconds). As in Hadoop an unknown %c prints c (so %% prints %), and a trailing % is dropped.
/// </summary>
public static class StatFormat
{
    public const string Default = "%y";

    public static string Format(string format, FileStatus status, string name)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            if (++i == format.Length)
            {
                break;
            }

            text.Append(format[i] switch
            {
                'a' => PermissionFormat.Octal(status.Permission),
                'A' => PermissionFormat.Symbolic(status.Permission),
                'b' => Number(status.Length),
                'F' => status.Type == FileType.Directory ? "directory" : "regular file",
                'g' => status.Group,
                'n' => name,
                'o' => Number(status.BlockSize),
                'r' => Number(status.Replication),
                'u' => status.Owner,
                'x' => UtcTime(status.AccessTime),
                'X' => Number(status.AccessTime),
                'y' => UtcTime(status.ModificationTime),
                'Y' => Number(status.ModificationTime),
                var other => other.ToString(),
            });
        }

        return text.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string UtcTime(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
