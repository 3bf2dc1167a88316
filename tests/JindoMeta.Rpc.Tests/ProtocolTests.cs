namespace JindoMeta.Rpc.Tests;

/// <summary>The protocol's small codecs: grpc-timeout, grpc-message percent-encoding, metadata rules.</summary>
public sealed class ProtocolTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1n", 1L)]
    [InlineData("100n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    [InlineData("0m", 0L)]
    public void Timeout_parses_every_unit(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("12x")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData("10")]
    [InlineData(" 1S")]
    public void Malformed_timeouts_are_rejected(string text) => Assert.False(GrpcTimeout.TryParse(text, out _));

    [Theory]
    [InlineData(0.0001)]
    [InlineData(0.2)]
    [InlineData(5)]
    [InlineData(86_400)]
    [InlineData(10_000_000)]
    public void Formatted_timeout_parses_back_to_at_least_the_original(double seconds)
    {
        var original = TimeSpan.FromSeconds(seconds);

        var text = GrpcTimeout.Format(original);

        Assert.True(text.Length <= 9, text);
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.InRange(parsed - original, TimeSpan.Zero, original / 1000 + TimeSpan.FromTicks(1));
    }

    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("ö ✓", "%C3%B6 %E2%9C%93")]
    [InlineData("a\nb\t\u0001", "a%0Ab%09%01")]
    public void Message_encoding_matches_the_spec(string message, string wire)
    {
        Assert.Equal(wire, GrpcMessageEncoding.Encode(message));
        Assert.Equal(message, GrpcMessageEncoding.Decode(wire));
    }

    [Theory]
    [InlineData("bad %zz escape", "bad %zz escape")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("trailing %4", "trailing %4")]
    [InlineData("lower %c3%b6", "lower ö")]
    public void Malformed_percent_sequences_decode_leniently(string wire, string expected) =>
        Assert.Equal(expected, GrpcMessageEncoding.Decode(wire));

    [Fact]
    public void Metadata_rejects_bad_keys_and_values_with_a_clear_message()
    {
        var metadata = new Metadata();

        Assert.Contains("-bin", Assert.Throws<ArgumentException>(() => metadata.Add("x-data", [1, 2])).Message, StringComparison.Ordinal);
        Assert.Contains("byte[]", Assert.Throws<ArgumentException>(() => metadata.Add("x-data-bin", "text")).Message, StringComparison.Ordinal);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => metadata.Add("grpc-status", "0")).Message, StringComparison.Ordinal);
        Assert.Contains("printable ASCII", Assert.Throws<ArgumentException>(() => metadata.Add("x-name", "ö")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => metadata.Add("x name", "v"));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Content_type_check(string? contentType, bool accepted) =>
        Assert.Equal(accepted, GrpcProtocol.IsGrpcContentType(contentType));
}
