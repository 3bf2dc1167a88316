using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using JindoMeta.Blocks;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Security;
using JindoMeta.Server.Services;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Data;

/// <summary>
/// jindometa.v1.DataService: file bytes to and from the block store, through the daemon. The namespace decides
/// (permissions, leases, the block list); the store only keeps objects. Every data message carries a CRC32C that
/// the receiver checks, and every stored chunk is verified before it is sent.
/// </summary>
public sealed class DataRpcService(NamespaceRegistry registry, CallerAuthentication authentication, NamespaceEngine rules, IBlockStore store, FileLeases leases)
    : Proto.DataService.DataServiceBase
{
    public const long GenerationStamp = 1; // blocks are never rewritten in place, so one generation is all there is

    /// <summary>Data per message: a receiver's buffer for it stays off the large-object heap (see the client's DataMessageBytes).</summary>
    public const int MessageBytes = 64 * 1024;

    public override async Task<Proto.WriteBlockResponse> WriteBlock(IAsyncStreamReader<Proto.WriteBlockRequest> requestStream, ServerCallContext context)
    {
        var caller = authentication.Authenticate(context);
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false) || requestStream.Current.Header is not { } header)
        {
            throw Invalid("The first WriteBlock message must be its header (namespace, path, file id)");
        }

        var (name, backend) = Find(header.Namespace);
        var file = ErrorMapping.Unwrap(await backend.GetFileInfoAsync(header.Path, caller.Identity, cancellationToken).ConfigureAwait(false));
        Fail(rules.CheckDataAccess(file, caller.Identity, FsAction.Write));
        if (file.Record.Id != header.FileId)
        {
            Fail(new NamespaceError(ErrorCode.FileNotFound, $"No lease on {header.Path} (inode {header.FileId}): File does not exist (another file, inode {file.Record.Id}, is there now)"));
        }

        if (!file.Record.UnderConstruction)
        {
            Fail(new NamespaceError(ErrorCode.FileNotUnderConstruction, $"{header.Path}: File is not under construction (it was completed or recovered)"));
        }

        var holder = LeaseHolder.Of(context, caller);
        Fail(leases.Claim(name, file.Record.Id, header.Path, holder));
        var key = new BlockKey(name, file.Record.Id, NewBlockId());
        BlockSummary summary;
        await using (var writer = new BlockWriter(await store.OpenWriteAsync(key.ObjectName, cancellationToken).ConfigureAwait(false)))
        {
            while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                if (requestStream.Current.Data is not { } chunk)
                {
                    throw Invalid("After its header, a WriteBlock call carries data messages only");
                }

                var data = chunk.Data.Memory;
                var actual = Crc32C.Compute(data.Span);
                if (actual != chunk.Crc32C)
                {
                    Fail(new NamespaceError(ErrorCode.ChecksumMismatch,
                        $"Checksum error: the data message at offset {writer.Length} of the new block of {header.Path} was damaged in transit (exp: {chunk.Crc32C} got: {actual}); nothing was stored"));
                }

                if (writer.Length + data.Length > file.Record.BlockSize)
                {
                    throw Invalid($"A block of {header.Path} holds at most its block size, {file.Record.BlockSize} bytes");
                }

                await writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }

            summary = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _ = leases.Claim(name, file.Record.Id, header.Path, holder); // renewed by the write itself
        return new Proto.WriteBlockResponse
        {
            Block = new Proto.Block { BlockId = key.BlockId, NumBytes = summary.NumBytes, GenerationStamp = GenerationStamp, Checksum = summary.Checksum },
        };
    }

    public override async Task ReadFile(Proto.ReadFileRequest request, IServerStreamWriter<Proto.ReadFileResponse> responseStream, ServerCallContext context)
    {
        var (name, file) = await OpenAsync(request.Namespace, request.Path, context).ConfigureAwait(false);
        var length = file.Record.Length;
        if (request.Offset < 0 || request.Length < 0)
        {
            throw Invalid($"Offset {request.Offset} and length {request.Length} of a read of {request.Path} must not be negative");
        }

        if (request.Offset > length)
        {
            throw Invalid($"Cannot seek to {request.Offset}: {request.Path} has {length} bytes");
        }

        var end = request.Length == 0 ? length : Math.Min(length, request.Offset + request.Length);
        var blockStart = 0L;
        foreach (var block in file.Record.Blocks)
        {
            var blockEnd = blockStart + block.NumBytes;
            if (blockEnd > request.Offset && blockStart < end)
            {
                var from = Math.Max(request.Offset, blockStart) - blockStart;
                var count = Math.Min(end, blockEnd) - blockStart - from;
                await StoreCallAsync(request.Path, async () =>
                {
                    var key = new BlockKey(name, file.Record.Id, block.BlockId);
                    await foreach (var slice in BlockReader.ReadAsync(store, key, block.NumBytes, block.Checksum, from, count, request.Path, blockStart, context.CancellationToken).ConfigureAwait(false))
                    {
                        for (var at = 0; at < slice.Length; at += MessageBytes)
                        {
                            var piece = slice.Span.Slice(at, Math.Min(MessageBytes, slice.Length - at));
                            // No copy: serialized before WriteAsync completes, and the slice stays valid until the next one is asked for.
                            var message = new Proto.DataChunk { Data = UnsafeByteOperations.UnsafeWrap(slice.Slice(at, piece.Length)), Crc32C = Crc32C.Compute(piece) };
                            await responseStream.WriteAsync(new Proto.ReadFileResponse { Data = message }, context.CancellationToken).ConfigureAwait(false);
                        }
                    }
                }).ConfigureAwait(false);
            }

            blockStart = blockEnd;
        }
    }

    /// <summary>
    /// HDFS's MD5MD5CRC32C checksum: the MD5 of each block's chunk CRCs (its trailer, as a datanode's .meta file
    /// holds them), then the MD5 of those. Same data in the same blocks gives what `hadoop fs -checksum` prints for HDFS.
    /// </summary>
    public override async Task<Proto.GetFileChecksumResponse> GetFileChecksum(Proto.GetFileChecksumRequest request, ServerCallContext context)
    {
        var (name, file) = await OpenAsync(request.Namespace, request.Path, context).ConfigureAwait(false);
        var blocks = file.Record.Blocks;
        var blockDigests = new byte[16 * blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var key = new BlockKey(name, file.Record.Id, block.BlockId);
            var trailer = await StoreCallAsync(request.Path, () =>
                BlockReader.ReadTrailerAsync(store, key, block.NumBytes, block.Checksum, request.Path, context.CancellationToken).AsTask()).ConfigureAwait(false);
            MD5.HashData(trailer, blockDigests.AsSpan(16 * i, 16));
        }

        // HDFS: CRCs per block is the first block's count when there are several blocks, 0 for one; bytes per CRC 0 for an empty file.
        var bytesPerCrc = blocks.Count == 0 ? 0 : BlockLayout.BytesPerChecksum;
        var crcPerBlock = blocks.Count > 1 ? BlockLayout.ChunkCount(blocks[0].NumBytes) : 0;
        var checksum = new byte[4 + 8 + 16];
        BinaryPrimitives.WriteInt32BigEndian(checksum, bytesPerCrc);
        BinaryPrimitives.WriteInt64BigEndian(checksum.AsSpan(4), crcPerBlock);
        MD5.HashData(blockDigests, checksum.AsSpan(12));
        return new Proto.GetFileChecksumResponse
        {
            Algorithm = $"MD5-of-{crcPerBlock}MD5-of-{bytesPerCrc}{(blocks.Count == 0 ? "CRC32" : "CRC32C")}",
            Checksum = ByteString.CopyFrom(checksum),
            Length = file.Record.Length,
        };
    }

    public override Task<Proto.RenewLeaseResponse> RenewLease(Proto.RenewLeaseRequest request, ServerCallContext context)
    {
        leases.Renew(LeaseHolder.Of(context, authentication.Authenticate(context)));
        return Task.FromResult(new Proto.RenewLeaseResponse());
    }

    /// <summary>A file the caller may read: resolved with traverse checks, then READ on the file itself.</summary>
    private async Task<(string Namespace, FileStatus File)> OpenAsync(string namespaceName, string path, ServerCallContext context)
    {
        var caller = authentication.Authenticate(context);
        var (name, backend) = Find(namespaceName);
        var file = ErrorMapping.Unwrap(await backend.GetFileInfoAsync(path, caller.Identity, context.CancellationToken).ConfigureAwait(false));
        Fail(rules.CheckDataAccess(file, caller.Identity, FsAction.Read));
        return (name, file);
    }

    /// <summary>Store failures as one line naming the file: corrupt data (25017), a missing object or an unreachable store (25013).</summary>
    private async Task<T> StoreCallAsync<T>(string path, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (BlockChecksumException e)
        {
            throw ErrorMapping.ToRpcException(new NamespaceError(ErrorCode.ChecksumMismatch, e.Message));
        }
        catch (BlockNotFoundException e)
        {
            throw ErrorMapping.ToRpcException(new NamespaceError(ErrorCode.StorageFailure, $"Could not obtain a block of {path}: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            throw ErrorMapping.ToRpcException(new NamespaceError(ErrorCode.StorageFailure, $"The block store ({store.Type}) failed reading {path}: {e.Message}"));
        }
    }

    private Task StoreCallAsync(string path, Func<Task> call) => StoreCallAsync(path, async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    private (string Name, INamespaceBackend Backend) Find(string namespaceName) => ErrorMapping.Unwrap(registry.FindNamed(namespaceName));

    /// <summary>Random and never reused in practice (63 bits); the object name also carries the file id.</summary>
    private static long NewBlockId() => (long)(BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8)) >> 1);

    private static void Fail(NamespaceError? error)
    {
        if (error is not null)
        {
            throw ErrorMapping.ToRpcException(error);
        }
    }

    private static RpcException Invalid(string message) => ErrorMapping.ToRpcException(NamespaceError.InvalidArgument(message));
}

/// <summary>Who holds a lease: the client instance's id when it sends one, else the user at its address.</summary>
public static class LeaseHolder
{
    public static string Of(ServerCallContext context, AuthenticatedCaller caller) =>
        context.RequestHeaders.GetValue(NamespaceRpcService.ClientIdHeader) is { Length: > 0 and <= 64 } clientId
            ? $"client {clientId} ({caller.Identity.User})"
            : $"{caller.Identity.User}@{caller.RemoteAddress}";
}
