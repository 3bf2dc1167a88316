using System.Globalization;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Raft;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>
/// The directory of a node's raft snapshot files (<see cref="SnapshotFileFormat"/>): the one the log store references,
/// and for a moment its successor. A file is written under a temporary name (<c>*.part</c>), synced, and renamed to
/// <c>snapshot-{index}-{term}-{unique}.snap</c>; the log store records the name, then calls <see cref="DeleteAllExcept"/>.
/// Opening the store deletes every temporary (an interrupted transfer or snapshot).
/// </summary>
/// <remarks>Used by the log store on the driver loop; <see cref="FileSnapshotData"/> reads are safe from any thread.</remarks>
public sealed class SnapshotFileStore
{
    private const string SnapshotPrefix = "snapshot-";
    private const string SnapshotSuffix = ".snap";
    private const string TemporarySuffix = ".part";
    private readonly ILogger _logger;

    public SnapshotFileStore(string directory, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(directory);
        _logger = logger ?? NullLogger.Instance;
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var temporary in System.IO.Directory.EnumerateFiles(Directory, "*" + TemporarySuffix))
        {
            File.Delete(temporary);
        }
    }

    public string Directory { get; }

    /// <summary>Names of the snapshot files present (for tests and diagnostics).</summary>
    public IReadOnlyList<string> FileNames =>
        [.. System.IO.Directory.EnumerateFiles(Directory, SnapshotPrefix + "*" + SnapshotSuffix).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>Writes a local snapshot: <paramref name="writeContent"/> streams the state into the file (hashed on the
    /// way), then the trailer, an fsync and the rename.</summary>
    public FileSnapshotData Write(SnapshotMetadata metadata, Action<Stream> writeContent)
    {
        ArgumentNullException.ThrowIfNull(writeContent);
        var temporary = NewTemporaryPath();
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var hashing = new HashingWriteStream(file))
            {
                writeContent(hashing);
                hashing.Flush();
                SnapshotFileFormat.WriteTrailer(file, hashing.Hash);
                file.Flush(flushToDisk: true);
            }

            return Seal(temporary, metadata);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>A sink for a snapshot of <paramref name="length"/> bytes arriving from the leader.</summary>
    public SnapshotSink CreateSink(SnapshotMetadata metadata, ulong length) => new FileSnapshotSink(this, metadata, length);

    /// <summary>The snapshot data of a recorded file.</summary>
    /// <exception cref="InvalidDataException">The file is missing or has another length than recorded.</exception>
    public FileSnapshotData Open(string fileName, ulong length)
    {
        if (fileName != Path.GetFileName(fileName) || !fileName.StartsWith(SnapshotPrefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The raft log store references the snapshot file '{fileName}', which is not a snapshot file name: the store is damaged.");
        }

        var path = Path.Combine(Directory, fileName);
        var info = new FileInfo(path);
        if (!info.Exists || (ulong)info.Length != length)
        {
            throw new InvalidDataException(
                $"The raft log store references the snapshot file {path} of {length} bytes, but it is {(info.Exists ? $"{info.Length} bytes" : "missing")}. " +
                "This node cannot start from it: wipe its data directory to rebuild it from its peers.");
        }

        return new FileSnapshotData(path, length);
    }

    /// <summary>Makes <paramref name="data"/> a file of this store: itself if it is one, else a copy of its content.</summary>
    public FileSnapshotData Adopt(SnapshotMetadata metadata, SnapshotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data is FileSnapshotData file && Path.GetDirectoryName(file.FilePath) == Directory)
        {
            return file;
        }

        return Write(metadata, destination =>
        {
            using var content = data.OpenRead();
            content.CopyTo(destination);
        });
    }

    /// <summary>Deletes every snapshot file but <paramref name="keep"/> (superseded snapshots; temporaries of transfers
    /// in progress stay).</summary>
    public void DeleteAllExcept(string? keep)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, SnapshotPrefix + "*" + SnapshotSuffix))
        {
            if (Path.GetFileName(path) != keep)
            {
                File.Delete(path);
            }
        }
    }

    internal string NewTemporaryPath() => Path.Combine(Directory, $"{Guid.NewGuid():N}{TemporarySuffix}");

    internal FileSnapshotData Seal(string temporaryPath, SnapshotMetadata metadata)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{SnapshotPrefix}{metadata.Index:D20}-{metadata.Term:D20}-{Guid.NewGuid().ToString("N")[..8]}{SnapshotSuffix}");
        var path = Path.Combine(Directory, name);
        File.Move(temporaryPath, path);
        DirectorySync.Flush(Directory);
        return new FileSnapshotData(path, (ulong)new FileInfo(path).Length);
    }

    internal void ReportRefused(SnapshotMetadata metadata, string reason) => SnapshotLog.Refused(_logger, metadata.Index, metadata.Term, reason);
}
