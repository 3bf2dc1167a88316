using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Formatting;

/// <summary>`-count` lines: Hadoop's "%12s %12s %18s " (quota columns "%12s %15s %15s %15s " before them with -q).</summary>
public static class CountFormat
{
    /// <summary>No quotas exist in JindoMeta: every quota column reads as Hadoop prints an unset quota.</summary>
    public const string NoQuota = "none";
    public const string Unlimited = "inf";

    public static string Header(bool withQuota) =>
        (withQuota ? QuotaColumns("QUOTA", "REM_QUOTA", "SPACE_QUOTA", "REM_SPACE_QUOTA") : string.Empty)
        + SummaryColumns("DIR_COUNT", "FILE_COUNT", "CONTENT_SIZE") + "PATHNAME";

    public static string Line(ContentSummaryResponse summary, bool withQuota, bool humanReadable, string displayPath) =>
        (withQuota ? QuotaColumns(NoQuota, Unlimited, NoQuota, Unlimited) : string.Empty)
        + SummaryColumns(
            SizeFormat.Format(summary.DirectoryCount, humanReadable),
            SizeFormat.Format(summary.FileCount, humanReadable),
            SizeFormat.Format(summary.Length, humanReadable))
        + displayPath;

    private static string SummaryColumns(string directories, string files, string length) =>
        $"{directories,12} {files,12} {length,18} ";

    private static string QuotaColumns(string quota, string remaining, string spaceQuota, string remainingSpace) =>
        $"{quota,12} {remaining,15} {spaceQuota,15} {remainingSpace,15} ";
}
