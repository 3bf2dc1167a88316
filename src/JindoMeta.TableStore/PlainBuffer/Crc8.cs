namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>CRC-8 with polynomial 0x07, initial 0, no reflection, no final XOR (PlainBuffer checksums).</summary>
internal static class Crc8
{
    private static readonly byte[] Table = BuildTable();

    public static byte Update(byte crc, byte value) => Table[crc ^ value];

    public static byte Update(byte crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[crc ^ b];
        }
        return crc;
    }

    public static byte Update(byte crc, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Update(crc, bytes);
    }

    public static byte Update(byte crc, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Update(crc, bytes);
    }

    private static byte[] BuildTable()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (byte)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x07) : (byte)(crc << 1);
            }
            table[i] = crc;
        }
        return table;
    }
}
