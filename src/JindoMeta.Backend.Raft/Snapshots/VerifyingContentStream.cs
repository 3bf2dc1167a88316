using System.Security.Cryptography;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>Reads the content of a snapshot file and, on reaching its end, checks it against the trailer: a damaged
/// file throws <see cref="InvalidDataException"/> instead of returning end of stream.</summary>
internal sealed class VerifyingContentStream(FileStream file, long contentLength, byte[] trailer, string path) : Stream
{
    private readonly IncrementalHash _hash = SnapshotFileFormat.NewHash();
    private long _position;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => contentLength;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = contentLength - _position;
        if (left == 0 || buffer.IsEmpty)
        {
            VerifyOnce();
            return 0;
        }

        var n = file.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        if (n == 0)
        {
            throw new InvalidDataException($"The snapshot file {path} ended after {_position} of {contentLength} content bytes: it is truncated.");
        }

        _hash.AppendData(buffer[..n]);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void VerifyOnce()
    {
        if (_verified || _position != contentLength)
        {
            return;
        }

        if (SnapshotFileFormat.Verify(trailer, _hash) is { } problem)
        {
            throw new InvalidDataException($"The snapshot file {path} is refused: {problem}.");
        }

        _verified = true;
    }
}
