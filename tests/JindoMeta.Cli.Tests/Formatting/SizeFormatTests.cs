using JindoMeta.Cli.Formatting;

namespace JindoMeta.Cli.Tests.Formatting;

public sealed class SizeFormatTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(1023, "1023")]
    [InlineData(1024, "1 K")]
    [InlineData(1536, "1.5 K")]
    [InlineData(1280, "1.3 K")] // exactly 1.25: Java's %.1f rounds half up
    [InlineData(1075, "1.0 K")]
    [InlineData(1048575, "1.0 M")] // rounds to 1024.0 K, so it moves up a prefix as Hadoop does
    [InlineData(1048576, "1 M")]
    [InlineData(134217728, "128 M")]
    [InlineData(1610612736, "1.5 G")]
    [InlineData(5L << 40, "5 T")]
    [InlineData(-1536, "-1.5 K")]
    public void Human_readable_sizes_match_hadoops_traditional_binary_prefixes(long value, string expected) =>
        Assert.Equal(expected, SizeFormat.Human(value));

    [Fact]
    public void Without_h_sizes_are_plain_byte_counts() => Assert.Equal("1536", SizeFormat.Format(1536, humanReadable: false));
}
