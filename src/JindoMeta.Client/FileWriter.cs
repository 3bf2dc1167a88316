using JindoMeta.Protos.V1;

namespace JindoMeta.Client;

/// <summary>
/// One file being written, HDFS's way: create (or append), blocks of at most the file's block size, complete. The
/// file is visible to readers only once complete (an appended file shows its earlier bytes meanwhile). While it is
/// open, the client's lease is renewed in the background; a writer that goes away without completing leaves the
/// file to the server's lease recovery (a new file is removed, an appended one closed with its earlier blocks).
/// </summary>
public sealed class FileWriter : IAsyncDisposable
{
    /// <summary>Well within the server's soft limit (60 s by default), as HDFS renews at half of it.</summary>
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly JindoMetaClient _client;
    private readonly string _namespace;
    private readonly string _path;
    private readonly long _fileId;
    private readonly long _blockSize;
    private readonly List<Block> _blocks;
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Task _renewing;
    private BlockUpload? _block;

    /// <summary>The previous block's finish (its object made durable on the server) while the next one is sent.</summary>
    private Task _finishing = Task.CompletedTask;

    private FileWriter(JindoMetaClient client, string namespaceName, FileStatus status, IEnumerable<Block> existing)
    {
        _client = client;
        _namespace = namespaceName;
        _path = status.Path;
        _fileId = status.FileId;
        _blockSize = status.BlockSize;
        _blocks = [.. existing];
        Length = _blocks.Sum(b => b.NumBytes);
        _renewing = RenewAsync(_stopRenewing.Token);
    }

    /// <summary>Bytes in the file so far (earlier blocks of an appended file included).</summary>
    public long Length { get; private set; }

    /// <summary>Creates the file (as <paramref name="request"/> says) and opens it for writing.</summary>
    public static async Task<FileWriter> CreateAsync(JindoMetaClient client, CreateRequest request, CancellationToken cancellationToken = default)
    {
        var status = await client.CreateAsync(request, cancellationToken).ConfigureAwait(false)
            ?? throw new JindoMetaException(Grpc.Core.StatusCode.Internal, JindoErrorCode.None, $"The server answered create of {request.Path} without a status", client.PreferredAddress);
        return new FileWriter(client, request.Namespace, status, []);
    }

    /// <summary>Reopens a closed file; what is written goes after its bytes.</summary>
    public static async Task<FileWriter> AppendAsync(JindoMetaClient client, string namespaceName, string path, CancellationToken cancellationToken = default)
    {
        await client.AppendAsync(new AppendRequest { Namespace = namespaceName, Path = path }, cancellationToken).ConfigureAwait(false);
        var status = await client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = namespaceName, Path = path, IncludeBlocks = true }, cancellationToken).ConfigureAwait(false);
        return new FileWriter(client, namespaceName, status, status.Blocks);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (data.Length > 0)
        {
            _block ??= await _client.OpenBlockAsync(_namespace, _path, _fileId, cancellationToken).ConfigureAwait(false);
            var take = (int)Math.Min(data.Length, _blockSize - _block.Length);
            await _block.WriteAsync(data[..take]).ConfigureAwait(false);
            Length += take;
            data = data[take..];
            if (_block.Length == _blockSize)
            {
                // The server syncs the full block before it answers: let that overlap the next block's data.
                await _finishing.ConfigureAwait(false);
                _finishing = FinishBlockAsync();
            }
        }
    }

    /// <summary>Closes the file: its last block is stored and the block list recorded.</summary>
    public async Task<FileStatus?> CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _finishing.ConfigureAwait(false);
        if (_block is not null)
        {
            await FinishBlockAsync().ConfigureAwait(false);
        }

        var request = new CompleteRequest { Namespace = _namespace, Path = _path, Length = Length };
        request.Blocks.AddRange(_blocks);
        return await _client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopRenewing.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stopRenewing.Dispose();
        try
        {
            await _finishing.ConfigureAwait(false);
        }
        catch (JindoMetaException)
        {
            // Abandoned: the failure was (or would have been) reported by the write or complete that met it.
        }

        if (_block is not null)
        {
            await _block.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FinishBlockAsync()
    {
        var block = _block!;
        _block = null;
        await using (block.ConfigureAwait(false))
        {
            _blocks.Add(await block.FinishAsync().ConfigureAwait(false));
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _client.RenewLeaseAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (JindoMetaException)
                {
                    // The next tick tries again; a write or complete itself renews too.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // closed
        }
    }
}
