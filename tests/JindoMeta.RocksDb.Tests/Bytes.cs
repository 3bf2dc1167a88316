using System.Text;

namespace JindoMeta.RocksDb.Tests;

/// <summary>Short helpers so tests read as text.</summary>
internal static class Bytes
{
    public static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    public static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    public static string? S(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    /// <summary>Small, fast options for tests (no big cache to allocate).</summary>
    public static RocksDbOptions TestOptions { get; } = new() { BlockCacheSizeBytes = 8 << 20, WriteBufferSizeBytes = 4 << 20 };

    public static List<(string Key, string Value)> Scan(RocksIterator iterator)
    {
        var rows = new List<(string, string)>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            rows.Add((S(iterator.Key), S(iterator.Value)));
        }

        return rows;
    }
}
