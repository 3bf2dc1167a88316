namespace JindoMeta.Client;

/// <summary>A file's bytes as a read-only <see cref="Stream"/> (for decompressors, copies), over <see cref="JindoMetaClient.ReadAsync"/>.</summary>
public sealed class FileReadStream : Stream
{
    private readonly IAsyncEnumerator<ReadOnlyMemory<byte>> _chunks;
    private ReadOnlyMemory<byte> _current;
    private bool _ended;

    public FileReadStream(JindoMetaClient client, string namespaceName, string path, long offset = 0, long length = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        _chunks = client.ReadAsync(namespaceName, path, offset, length, cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The next piece as the server sent it (no copy), or empty at the end.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync()
    {
        if (_current.Length > 0)
        {
            var rest = _current;
            _current = default;
            return rest;
        }

        while (!_ended)
        {
            if (!await _chunks.MoveNextAsync().ConfigureAwait(false))
            {
                _ended = true;
                break;
            }

            if (_chunks.Current.Length > 0)
            {
                return _chunks.Current;
            }
        }

        return ReadOnlyMemory<byte>.Empty;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_current.Length == 0)
        {
            _current = await ReadChunkAsync().ConfigureAwait(false);
        }

        var take = Math.Min(buffer.Length, _current.Length);
        _current[..take].CopyTo(buffer);
        _current = _current[take..];
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _chunks.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
