using System.Buffers.Binary;

namespace JindoMeta.Blocks.Tests.Support;

/// <summary>Test data and an independent statement of the object layout (data, then big-endian CRC32C per 512 bytes).</summary>
internal static class BlockBytes
{
    public const int MiB = 1024 * 1024;

    /// <summary>Seeded bytes, so a failure replays.</summary>
    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The object a block of <paramref name="data"/> must be stored as.</summary>
    public static byte[] ExpectedObject(byte[] data)
    {
        var chunks = (data.Length + 511) / 512;
        var result = new byte[data.Length + (4 * chunks)];
        data.CopyTo(result, 0);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var piece = data.AsSpan(chunk * 512, Math.Min(512, data.Length - (chunk * 512)));
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(data.Length + (4 * chunk)), Crc32C.Compute(piece));
        }

        return result;
    }

    /// <summary>
    /// Write sizes that start, straddle and end chunk and part boundaries at odd places (1 byte, a chunk minus one,
    /// over a chunk, 64 KiB + 1, 1 MiB + 3), cycled until the data is written.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Pieces(byte[] data)
    {
        int[] sizes = [1, 511, 513, 4096, 65_537, 3, MiB + 3];
        var at = 0;
        for (var i = 0; at < data.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], data.Length - at);
            yield return data.AsMemory(at, size);
            at += size;
        }
    }
}
