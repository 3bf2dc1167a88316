using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace JindoMeta.Blocks;

/// <summary>CRC32C (Castagnoli), HDFS's default checksum; BitOperations uses the CPU's crc32 instruction where there is one.</summary>
public static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/> (start a new one with 0).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
