using JindoMeta.Raft;
using Microsoft.Win32.SafeHandles;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>A snapshot kept in one file of a <see cref="SnapshotFileStore"/> (<see cref="SnapshotFileFormat"/>).</summary>
/// <remarks>
/// Opens the file per read instead of holding a handle: the store deletes a superseded snapshot's file at once (its
/// space is freed at once, and there is no handle to close), and a leader still streaming it then sees
/// <see cref="TryRead"/> return false and moves to the newer snapshot. An open per 1 MiB chunk costs microseconds.
/// </remarks>
public sealed class FileSnapshotData : SnapshotData
{
    internal FileSnapshotData(string path, ulong length)
    {
        if (length < SnapshotFileFormat.TrailerBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"A snapshot file has at least {SnapshotFileFormat.TrailerBytes} bytes.");
        }

        FilePath = path;
        Length = length;
    }

    public string FilePath { get; }

    public string FileName => Path.GetFileName(FilePath);

    public override ulong Length { get; }

    /// <summary>Bytes of the state machine's content (the file without its trailer).</summary>
    public ulong ContentLength => Length - SnapshotFileFormat.TrailerBytes;

    public override bool TryRead(ulong offset, int count, out ReadOnlyMemory<byte> chunk)
    {
        chunk = ReadOnlyMemory<byte>.Empty;
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        using (handle)
        {
            var buffer = new byte[count];
            for (var read = 0; read < count;)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read), (long)offset + read);
                if (n == 0)
                {
                    throw new InvalidDataException($"The snapshot file {FilePath} is shorter than its recorded {Length} bytes (read at {offset + (ulong)read}): it was changed on disk. Wipe this node's data directory to rebuild it from its peers.");
                }

                read += n;
            }

            chunk = buffer;
            return true;
        }
    }

    public override Stream OpenRead()
    {
        var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            if ((ulong)file.Length != Length)
            {
                throw new InvalidDataException($"The snapshot file {FilePath} has {file.Length} bytes, not the recorded {Length}: it was changed on disk.");
            }

            Span<byte> trailer = stackalloc byte[SnapshotFileFormat.TrailerBytes];
            file.Position = (long)ContentLength;
            file.ReadExactly(trailer);
            file.Position = 0;
            return new VerifyingContentStream(file, (long)ContentLength, trailer.ToArray(), FilePath);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override string ToString() => $"{FileName} ({Length} bytes)";
}
