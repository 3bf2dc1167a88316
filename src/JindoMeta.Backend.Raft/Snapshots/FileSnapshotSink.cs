using System.Security.Cryptography;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>
/// Writes a snapshot arriving from the leader to a temporary file as its chunks arrive, hashing the content on the
/// way, so that completing it needs no second pass: the trailer is checked, the file synced and renamed into the
/// store. A refused or abandoned transfer leaves nothing behind.
/// </summary>
internal sealed class FileSnapshotSink : SnapshotSink
{
    private readonly SnapshotFileStore _store;
    private readonly SnapshotMetadata _metadata;
    private readonly ulong _length;
    private readonly string _temporaryPath;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = SnapshotFileFormat.NewHash();
    private readonly byte[] _trailer = new byte[SnapshotFileFormat.TrailerBytes];
    private ulong _received;
    private bool _closed;

    public FileSnapshotSink(SnapshotFileStore store, SnapshotMetadata metadata, ulong length)
    {
        _store = store;
        _metadata = metadata;
        _length = length;
        _temporaryPath = store.NewTemporaryPath();
        _file = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public override void Write(ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if ((ulong)chunk.Length > _length - _received)
        {
            throw new InvalidOperationException($"A snapshot of {_length} bytes received a chunk of {chunk.Length} at offset {_received}.");
        }

        // Bytes before the trailer are content (hashed); the last TrailerBytes are kept aside to compare at the end.
        var contentLength = _length > SnapshotFileFormat.TrailerBytes ? _length - SnapshotFileFormat.TrailerBytes : 0;
        var content = (int)Math.Min((ulong)chunk.Length, contentLength > _received ? contentLength - _received : 0);
        _hash.AppendData(chunk[..content]);
        var trailerPart = chunk[content..];
        if (!trailerPart.IsEmpty)
        {
            var at = (int)(_received + (ulong)content - contentLength);
            trailerPart[..Math.Min(trailerPart.Length, _trailer.Length - at)].CopyTo(_trailer.AsSpan(at));
        }

        _file.Write(chunk);
        _received += (ulong)chunk.Length;
    }

    public override SnapshotData? Complete(out string? refusal)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        refusal = _received != _length
            ? $"it is truncated: {_received} of {_length} bytes arrived"
            : _length < SnapshotFileFormat.TrailerBytes
                ? $"it has {_length} bytes, too few for a snapshot file"
                : SnapshotFileFormat.Verify(_trailer, _hash);
        if (refusal is not null)
        {
            _store.ReportRefused(_metadata, refusal);
            Discard();
            return null;
        }

        _file.Flush(flushToDisk: true);
        _file.Dispose();
        _hash.Dispose();
        _closed = true;
        return _store.Seal(_temporaryPath, _metadata);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            Discard();
        }
    }

    private void Discard()
    {
        _closed = true;
        _file.Dispose();
        _hash.Dispose();
        File.Delete(_temporaryPath);
    }
}
