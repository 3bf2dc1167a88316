using System.Security.Cryptography;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>Passes writes through to a file and hashes them, for the trailer of a local snapshot.</summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    public IncrementalHash Hash { get; } = SnapshotFileFormat.NewHash();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Hash.AppendData(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
