using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using JindoMeta.Blocks;
using JindoMeta.Protos.V1;

namespace JindoMeta.Client;

/// <summary>File data: appending, replication, checksums, and the streaming block calls (jindometa.v1.DataService).</summary>
public sealed partial class JindoMetaClient
{
    /// <summary>
    /// Data per message: small enough that the receiver's buffer for it stays off the large-object heap (a 1 MiB
    /// message costs a gen-2 collection every few calls), large enough that per-message costs vanish.
    /// </summary>
    public const int DataMessageBytes = 64 * 1024;

    public Task<FileStatus?> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.Append, request, RetrySafety.NotIdempotent, cancellationToken));

    public Task<FileStatus?> SetReplicationAsync(SetReplicationRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.SetReplication, request, RetrySafety.Idempotent, cancellationToken));

    public Task<GetFileChecksumResponse> GetFileChecksumAsync(GetFileChecksumRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.GetFileChecksum, request, RetrySafety.Idempotent, cancellationToken);

    /// <summary>Keeps this client's leases alive (the server knows it by <see cref="ClientId"/>).</summary>
    public async Task RenewLeaseAsync(CancellationToken cancellationToken = default) =>
        await InvokeAsync(NamespaceMethods.RenewLease, new RenewLeaseRequest(), RetrySafety.Idempotent, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Starts one block of a file under construction on the server that answered last (the one that created or
    /// reopened the file, i.e. the leader). Not retried: the caller's data is streamed, not kept.
    /// </summary>
    public async Task<BlockUpload> OpenBlockAsync(string namespaceName, string path, long fileId, CancellationToken cancellationToken = default)
    {
        var address = _preferred;
        var call = ChannelFor(address).CreateCallInvoker().AsyncClientStreamingCall(NamespaceMethods.WriteBlock, null, new CallOptions(DataHeaders(), cancellationToken: cancellationToken));
        var upload = new BlockUpload(this, call, address);
        await upload.SendAsync(new WriteBlockRequest { Header = new WriteBlockHeader { Namespace = namespaceName, Path = path, FileId = fileId } }).ConfigureAwait(false);
        return upload;
    }

    /// <summary>
    /// The bytes [offset, offset + length) of a file (to its end when length is 0), each message checked against its
    /// CRC32C. A connection lost midway is resumed where it stopped, on another server of the list if need be.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        string namespaceName, string path, long offset = 0, long length = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var received = 0L;
        var address = _preferred;
        for (var attempt = 1; ; attempt++)
        {
            var request = new ReadFileRequest { Namespace = namespaceName, Path = path, Offset = offset + received, Length = length == 0 ? 0 : length - received };
            using var call = ChannelFor(address).CreateCallInvoker().AsyncServerStreamingCall(NamespaceMethods.ReadFile, null, new CallOptions(DataHeaders(), cancellationToken: cancellationToken), request);
            var stream = call.ResponseStream;
            RpcException? failure = null;
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNext(cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException e)
                {
                    failure = e;
                    break;
                }
                catch (IOException e)
                {
                    // The connection broke under the stream: retried like any transport failure of a read.
                    failure = new RpcException(new Status(StatusCode.Unavailable, $"The connection to {address} broke during a read: {e.Message}", e));
                    break;
                }

                if (!more)
                {
                    _preferred = address;
                    yield break;
                }

                var chunk = stream.Current.Data;
                var actual = Crc32C.Compute(chunk.Data.Span);
                if (actual != chunk.Crc32C)
                {
                    throw new JindoMetaException(StatusCode.DataLoss, JindoErrorCode.ChecksumMismatch,
                        $"Checksum error: {path} at {offset + received} exp: {chunk.Crc32C} got: {actual} (damaged in transit from {address})", address);
                }

                received += chunk.Data.Length;
                attempt = 0; // progress: a later failure starts its attempts afresh
                yield return chunk.Data.Memory;
            }

            var action = RetryRule.Decide(failure, RetrySafety.Idempotent, remembered: false);
            if (action == RetryAction.Fail || attempt >= Options.MaxAttempts)
            {
                throw ToException(failure, address, Math.Max(attempt, 1));
            }

            var leader = failure.Trailers.GetValue(RetryRule.LeaderTrailer);
            if (action == RetryAction.FollowLeader && leader is not null)
            {
                address = Remember(leader);
                continue;
            }

            await Task.Delay(RetryRule.Backoff(attempt, Options.InitialBackoff, Options.MaxBackoff, Options.Random), cancellationToken).ConfigureAwait(false);
            address = NextAfter(address, null);
        }
    }

    private Metadata DataHeaders()
    {
        var headers = new Metadata { { JindoMetaClientOptions.ClientIdHeader, _clientIdText } };
        if (Options.User is { } user)
        {
            headers.Add(JindoMetaClientOptions.UserHeader, user);
        }

        return headers;
    }

    internal JindoMetaException DataFailure(RpcException failure, string address) => ToException(failure, address, 1);
}

/// <summary>One block being written: data goes out in messages of at most <see cref="JindoMetaClient.DataMessageBytes"/>; <see cref="FinishAsync"/> returns the block as the server stored it.</summary>
public sealed class BlockUpload : IAsyncDisposable
{
    private readonly JindoMetaClient _client;
    private readonly AsyncClientStreamingCall<WriteBlockRequest, WriteBlockResponse> _call;
    private readonly string _address;

    internal BlockUpload(JindoMetaClient client, AsyncClientStreamingCall<WriteBlockRequest, WriteBlockResponse> call, string address)
    {
        _client = client;
        _call = call;
        _address = address;
    }

    public long Length { get; private set; }

    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            var piece = data[..Math.Min(data.Length, JindoMetaClient.DataMessageBytes)];
            // No copy: the message is serialized before WriteAsync completes, and the caller's buffer is not touched until then.
            await SendAsync(new WriteBlockRequest { Data = new DataChunk { Data = UnsafeByteOperations.UnsafeWrap(piece), Crc32C = Crc32C.Compute(piece.Span) } }).ConfigureAwait(false);
            Length += piece.Length;
            data = data[piece.Length..];
        }
    }

    public async Task<Block> FinishAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return (await _call.ResponseAsync.ConfigureAwait(false)).Block;
        }
        catch (RpcException e)
        {
            throw await FailureAsync(e).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw await FailureAsync(null, e).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _call.Dispose(); // cancels an unfinished call: the server abandons the object
        return ValueTask.CompletedTask;
    }

    internal async Task SendAsync(WriteBlockRequest message)
    {
        try
        {
            await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw await FailureAsync(e).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The server ended the call already (it refused the block): its status says why.
            throw await FailureAsync(null).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The connection broke under the request stream (the server died): the call's status says so.
            throw await FailureAsync(null, e).ConfigureAwait(false);
        }
    }

    /// <summary>The call's outcome as the client's one exception type, whatever part of the call met it.</summary>
    private async Task<JindoMetaException> FailureAsync(RpcException? failure, IOException? transport = null)
    {
        if (failure is null)
        {
            try
            {
                await _call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                failure = e;
            }
        }

        failure ??= transport is null
            ? new RpcException(new Status(StatusCode.Internal, "The server ended the block write early"))
            : new RpcException(new Status(StatusCode.Unavailable, $"The connection to {_address} broke during a block write: {transport.Message}", transport));
        return _client.DataFailure(failure, _address);
    }
}
