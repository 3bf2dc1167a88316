using System.Text;

namespace JindoMeta.Blocks.Tests;

/// <summary>
/// CRC32C against published values (RFC 3720 appendix B.4, and the common "123456789" check value), so the
/// layout tests that use <see cref="Crc32C"/> prove HDFS-compatible checksums and not merely self-consistent ones.
/// </summary>
public sealed class Crc32CTests
{
    public static TheoryData<byte[], uint> Published => new()
    {
        { [], 0 },
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
        { new byte[32], 0x8A9136AA },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794E },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5C },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Matches_the_published_check_values(byte[] data, uint expected) => Assert.Equal(expected, Crc32C.Compute(data));

    [Fact]
    public void Every_length_and_alignment_matches_the_bitwise_definition()
    {
        // Compute takes 8 bytes at a time and then the tail: every split of the two, at every start offset.
        var data = new byte[600];
        new Random(42).NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length <= 520; length++)
            {
                var piece = data.AsSpan(start, length);
                Assert.Equal(Bitwise(piece), Crc32C.Compute(piece));
            }
        }
    }

    /// <summary>The definition: reflected polynomial 0x82F63B78, initial and final value all ones.</summary>
    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
