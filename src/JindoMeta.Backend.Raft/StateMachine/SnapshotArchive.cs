using System.Buffers.Binary;
using System.Text;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// Packs a RocksDB checkpoint directory (flat: SST files, MANIFEST, CURRENT, OPTIONS) into one stream and back.
/// Version 1 = magic "JMSNAP", [1], then per file [name length: 2 bytes BE][name: UTF-8][size: 8 bytes BE][bytes],
/// then a name length of 0 as the end mark (a truncated archive is detected, not taken for a smaller state).
/// </summary>
/// <remarks>
/// Stream-based: written straight into the log store's snapshot file and read straight from it (or from a follower's
/// copy of it), one 64 KiB buffer at a time. Integrity (a checksum over the whole stream) is the snapshot file's job
/// (<c>Snapshots/SnapshotFileFormat</c>); the end mark here tells a cut-short archive from a smaller state.
/// </remarks>
internal static class SnapshotArchive
{
    private const byte Version = 1;
    private const int MaxNameBytes = 255;
    private static ReadOnlySpan<byte> Magic => "JMSNAP"u8;

    public static void Write(string directory, Stream output)
    {
        Span<byte> header = stackalloc byte[8];
        output.Write(Magic);
        output.WriteByte(Version);
        if (Directory.GetDirectories(directory) is [var subdirectory, ..])
        {
            throw new InvalidDataException($"The checkpoint {directory} has a subdirectory {subdirectory}; a RocksDB checkpoint is flat.");
        }

        var files = Directory.GetFiles(directory);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Encoding.UTF8.GetBytes(Path.GetFileName(file));
            if (name.Length is 0 or > MaxNameBytes)
            {
                throw new InvalidDataException($"The checkpoint file name '{Path.GetFileName(file)}' is too long to archive.");
            }

            using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)name.Length);
            output.Write(header[..2]);
            output.Write(name);
            BinaryPrimitives.WriteInt64BigEndian(header, input.Length);
            output.Write(header);
            input.CopyTo(output);
        }

        BinaryPrimitives.WriteUInt16BigEndian(header, 0);
        output.Write(header[..2]);
    }

    /// <summary>Unpacks into <paramref name="directory"/> (created; must not exist) and syncs every file and the directory.</summary>
    /// <exception cref="InvalidDataException">Not an archive of this version, truncated, or a file name that would escape the directory.</exception>
    public static void Extract(Stream input, string directory)
    {
        Span<byte> header = stackalloc byte[8];
        Span<byte> magic = stackalloc byte[Magic.Length];
        ReadExactly(input, magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("The snapshot is not a JindoMeta state archive (bad magic).");
        }

        var version = input.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"The snapshot archive has version {version}; this node reads version {Version}: upgrade it.");
        }

        Directory.CreateDirectory(directory);
        var buffer = new byte[1 << 16];
        while (true)
        {
            ReadExactly(input, header[..2]);
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(header);
            if (nameLength == 0)
            {
                break;
            }

            if (nameLength > MaxNameBytes)
            {
                throw new InvalidDataException($"The snapshot archive has a file name of {nameLength} bytes; it is damaged.");
            }

            var nameBytes = new byte[nameLength];
            ReadExactly(input, nameBytes);
            var name = Encoding.UTF8.GetString(nameBytes);
            if (name != Path.GetFileName(name) || name is "." or "..")
            {
                throw new InvalidDataException($"The snapshot archive names the file '{name}', which is not a plain file name.");
            }

            ReadExactly(input, header);
            var size = BinaryPrimitives.ReadInt64BigEndian(header);
            if (size < 0)
            {
                throw new InvalidDataException($"The snapshot archive gives {name} a negative size; it is damaged.");
            }

            using var output = new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            for (var left = size; left > 0;)
            {
                var chunk = (int)Math.Min(left, buffer.Length);
                ReadExactly(input, buffer.AsSpan(0, chunk));
                output.Write(buffer, 0, chunk);
                left -= chunk;
            }

            output.Flush(flushToDisk: true);
        }

        // Reading on to the end also lets a verifying stream check its checksum before the state is used.
        if (input.ReadByte() != -1)
        {
            throw new InvalidDataException("The snapshot archive has bytes after its end mark; it is damaged.");
        }

        DirectorySync.Flush(directory);
    }

    private static void ReadExactly(Stream input, Span<byte> into)
    {
        try
        {
            input.ReadExactly(into);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The snapshot archive is truncated.", e);
        }
    }
}
