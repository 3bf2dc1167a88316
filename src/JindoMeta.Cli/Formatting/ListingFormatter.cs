using System.Globalization;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Formatting;

/// <summary>
/// `-ls` lines. Like Hadoop's Ls, column widths are a running maximum over everything listed so far in this
/// command (replication starts at 3, size at 10, owner and group at 0), widened before each batch is printed.
/// </summary>
public sealed class ListingFormatter(bool humanReadable, TimeZoneInfo timeZone)
{
    private int _replicationWidth = 3;
    private int _sizeWidth = 10;
    private int _ownerWidth;
    private int _groupWidth;

    /// <summary>Widens the columns for a batch about to be printed (one directory's entries, or one argument).</summary>
    public void Widen(IEnumerable<FileStatus> batch)
    {
        foreach (var status in batch)
        {
            _replicationWidth = Math.Max(_replicationWidth, status.Replication.ToString(CultureInfo.InvariantCulture).Length);
            _sizeWidth = Math.Max(_sizeWidth, status.Length.ToString(CultureInfo.InvariantCulture).Length);
            _ownerWidth = Math.Max(_ownerWidth, status.Owner.Length);
            _groupWidth = Math.Max(_groupWidth, status.Group.Length);
        }
    }

    public string Format(FileStatus status, string displayPath)
    {
        var isDirectory = status.Type == FileType.Directory;
        var replication = isDirectory ? "-" : status.Replication.ToString(CultureInfo.InvariantCulture);
        var owner = _ownerWidth > 0 ? status.Owner.PadRight(_ownerWidth) + " " : status.Owner;
        var group = _groupWidth > 0 ? status.Group.PadRight(_groupWidth) + " " : status.Group;
        return string.Concat(
            isDirectory ? "d" : "-",
            PermissionFormat.Symbolic(status.Permission),
            " ",
            replication.PadLeft(_replicationWidth),
            " ",
            owner,
            group,
            SizeFormat.Format(status.Length, humanReadable).PadLeft(_sizeWidth),
            " ",
            FormatTime(status.ModificationTime, timeZone),
            " ",
            displayPath);
    }

    /// <summary>yyyy-MM-dd HH:mm in the CLI's local time zone, as `hadoop fs -ls` prints.</summary>
    public static string FormatTime(long epochMilliseconds, TimeZoneInfo timeZone) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds), timeZone)
            .ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
