using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.Formatting;

public sealed class ListingAndCountTests
{
    private static readonly long March25 = new DateTimeOffset(2020, 3, 25, 14, 54, 30, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static FileStatus Directory(string owner, string group) => new()
    {
        Type = FileType.Directory, Permission = 0x1FD, Owner = owner, Group = group, ModificationTime = March25,
    };

    private static FileStatus File(string owner, string group, long length, int replication = 3) => new()
    {
        Type = FileType.File, Permission = 0x1A4, Owner = owner, Group = group, Length = length, Replication = replication, ModificationTime = March25,
    };

    [Fact]
    public void Columns_are_padded_to_the_widest_entry_of_the_listing()
    {
        var formatter = new ListingFormatter(humanReadable: false, TimeZoneInfo.Utc);
        var entries = new[] { Directory("root", "root"), File("hadoop", "hadoop", 1234567) };
        formatter.Widen(entries);

        Assert.Equal("drwxrwxr-x   - root   root            0 2020-03-25 14:54 jfs://test/emr-header-1.cluster-50087",
            formatter.Format(entries[0], "jfs://test/emr-header-1.cluster-50087"));
        Assert.Equal("-rw-r--r--   3 hadoop hadoop    1234567 2020-03-25 14:54 jfs://test/f",
            formatter.Format(entries[1], "jfs://test/f"));
    }

    [Fact]
    public void Widths_only_grow_within_one_command_and_size_keeps_at_least_ten_columns()
    {
        var formatter = new ListingFormatter(humanReadable: true, TimeZoneInfo.Utc);
        formatter.Widen([File("averylongowner", "g", 1536)]);
        formatter.Widen([File("u", "g", 12345678901)]);
        Assert.Equal("-rw-r--r--   3 u              g      11.5 G 2020-03-25 14:54 /x", formatter.Format(File("u", "g", 12345678901), "/x"));
        Assert.Equal("-rw-r--r--   3 u              g       1.5 K 2020-03-25 14:54 /y", formatter.Format(File("u", "g", 1536), "/y"));
    }

    [Fact]
    public void Times_are_shown_in_the_given_local_time_zone()
    {
        var plusEight = TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
        Assert.Equal("2020-03-25 22:54", ListingFormatter.FormatTime(March25, plusEight));
    }

    [Fact]
    public void Count_uses_hadoops_column_widths()
    {
        var summary = new ContentSummaryResponse { DirectoryCount = 1, FileCount = 2, Length = 0 };
        Assert.Equal("           1            2                  0 jfs://test/", CountFormat.Line(summary, false, false, "jfs://test/"));
        Assert.Equal("        none             inf            none             inf            1            2                  0 jfs://test/",
            CountFormat.Line(summary, true, false, "jfs://test/"));
        Assert.Equal("           1          2 K              1.5 M /d",
            CountFormat.Line(new ContentSummaryResponse { DirectoryCount = 1, FileCount = 2048, Length = 1572864 }, false, true, "/d"));
        Assert.Equal("   DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME", CountFormat.Header(false));
    }

    [Fact]
    public void Stat_formats_every_field()
    {
        var status = File("alice", "staff", 1536, replication: 2);
        status.BlockSize = 134217728;
        status.AccessTime = March25 + 1000;
        Assert.Equal("644 rw-r--r-- 1536 regular file staff f.txt 134217728 2 alice 2020-03-25 14:54:30 1585148070000 2020-03-25 14:54:31 1585148071000",
            StatFormat.Format("%a %A %b %F %g %n %o %r %u %y %Y %x %X", status, "f.txt"));
        Assert.Equal("directory 100% z", StatFormat.Format("%F 100%% %z%", Directory("a", "b"), "d"));
    }

    [Fact]
    public void Du_table_left_aligns_columns_two_spaces_apart()
    {
        var table = new UsageTable(3);
        table.Add("0", "0", "jfs://t/a");
        table.Add("1.5 K", "1.5 K", "jfs://t/bb");
        Assert.Equal(["0      0      jfs://t/a", "1.5 K  1.5 K  jfs://t/bb"], table.Lines());
    }
}
