using System.Security.Cryptography;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>
/// A snapshot file, as stored and as streamed to followers byte for byte: the state machine's content, then a trailer
/// of 40 bytes, magic <c>JMSNAPH1</c> (8) and the SHA-256 of the content (32). The receiver hashes the chunks as they
/// arrive and refuses a stream whose trailer does not match (a damaged or truncated transfer is never installed), and
/// a restore hashes the file again (a file damaged on disk is never installed either).
/// </summary>
/// <remarks>SHA-256 rather than a CRC: it is in the base library (no package), and hardware-accelerated it hashes
/// well over 1 GB/s, faster than the disk and the network the snapshot crosses.</remarks>
internal static class SnapshotFileFormat
{
    public const int HashBytes = 32;
    public const int TrailerBytes = 8 + HashBytes;

    public static ReadOnlySpan<byte> Magic => "JMSNAPH1"u8;

    public static IncrementalHash NewHash() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public static void WriteTrailer(Stream output, IncrementalHash hash)
    {
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        Magic.CopyTo(trailer);
        hash.GetHashAndReset(trailer[8..]);
        output.Write(trailer);
    }

    /// <summary>Checks a trailer against the hash of the content before it.</summary>
    /// <returns>Null if it matches, else what is wrong (for an operator).</returns>
    public static string? Verify(ReadOnlySpan<byte> trailer, IncrementalHash contentHash)
    {
        if (trailer.Length != TrailerBytes || !trailer[..8].SequenceEqual(Magic))
        {
            return "it does not end with a JindoMeta snapshot trailer (truncated, or not a snapshot of this version)";
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        contentHash.GetHashAndReset(actual);
        return actual.SequenceEqual(trailer[8..])
            ? null
            : $"its SHA-256 is {Convert.ToHexStringLower(actual)} but the trailer says {Convert.ToHexStringLower(trailer[8..])} (damaged)";
    }
}
