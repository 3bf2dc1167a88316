using Amazon.S3;
using Amazon.S3.Model;
using JindoMeta.Blocks.S3;
using JindoMeta.Blocks.Tests.Support;

namespace JindoMeta.Blocks.Tests;

/// <summary>The contract against <see cref="S3BlockStore"/> and s3rver, and how it uses S3 (one PUT or a multipart upload).</summary>
public sealed class S3BlockStoreTests(S3rverFixture s3) : BlockStoreContract, IClassFixture<S3rverFixture>
{
    // Every test under a prefix of its own, so they share one server without seeing each other's objects.
    private readonly string _prefix = $"t{Guid.NewGuid():N}/";

    [Fact]
    public async Task A_block_of_one_part_is_one_put()
    {
        var key = new BlockKey("ns", 1, 1);
        await WriteBlockAsync(key, BlockBytes.Random(S3BlockStore.PartBytes - (64 * 1024), seed: 1)); // object just under a part

        var path = ObjectPath(key.ObjectName);
        Assert.NotNull(await s3.Server.WaitForRequestAsync(r => r == $"PUT {path} 200"));
        Assert.DoesNotContain(s3.Server.Requests, r => r.Contains(path + "?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_block_past_one_part_is_a_multipart_upload_of_whole_parts()
    {
        var key = new BlockKey("ns", 1, 2);
        await WriteBlockAsync(key, BlockBytes.Random((2 * S3BlockStore.PartBytes) + 1, seed: 2)); // two full parts and a short one

        var path = ObjectPath(key.ObjectName);
        Assert.NotNull(await s3.Server.WaitForRequestAsync(r => r.StartsWith($"POST {path}?uploadId=", StringComparison.Ordinal) && r.EndsWith(" 200", StringComparison.Ordinal)));
        Assert.Contains(s3.Server.Requests, r => r == $"POST {path}?uploads 200");
        Assert.Equal(3, s3.Server.Requests.Count(r => r.StartsWith($"PUT {path}?", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal) && r.EndsWith(" 200", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Disposing_an_abandoned_multipart_writer_twice_aborts_once_and_returns_its_buffers_once()
    {
        var key = new BlockKey("ns", 1, 3);
        var writer = new BlockWriter(await Store.OpenWriteAsync(key.ObjectName, Cancellation));
        await writer.WriteAsync(BlockBytes.Random(S3BlockStore.PartBytes + 1, seed: 3), Cancellation); // one part sent, one being filled

        await writer.DisposeAsync();
        await writer.DisposeAsync();

        var abort = $"DELETE {ObjectPath(key.ObjectName)}?uploadId=";
        Assert.NotNull(await s3.Server.WaitForRequestAsync(r => r.StartsWith(abort, StringComparison.Ordinal)));
        await Task.Delay(200); // a second abort would be logged by now
        Assert.Single(s3.Server.Requests, r => r.StartsWith(abort, StringComparison.Ordinal));
        // Returned twice, an array would be handed out twice (this thread's pool slot, then the shared one).
        var first = System.Buffers.ArrayPool<byte>.Shared.Rent(S3BlockStore.PartBytes);
        var second = System.Buffers.ArrayPool<byte>.Shared.Rent(S3BlockStore.PartBytes);
        Assert.NotSame(first, second);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.WriteAsync(new byte[1], Cancellation));
    }

    [Fact]
    public async Task A_missing_bucket_is_not_a_missing_block()
    {
        await using var store = new S3BlockStore(s3.Options(_prefix) with { Bucket = "no-such-bucket" });

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(async () => await store.ReadAsync(new BlockKey("ns", 1, 1).ObjectName, 0, new byte[10], Cancellation));
        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    protected override Task<IBlockStore> OpenStoreAsync() => Task.FromResult<IBlockStore>(new S3BlockStore(s3.Options(_prefix)));

    protected override async Task ReplaceObjectAsync(string objectName, Func<byte[], byte[]> change)
    {
        using var client = s3.RawClient();
        byte[] bytes;
        using (var response = await client.GetObjectAsync(s3.Server.Bucket, _prefix + objectName, Cancellation))
        using (var copy = new MemoryStream())
        {
            await response.ResponseStream.CopyToAsync(copy, Cancellation);
            bytes = copy.ToArray();
        }

        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = s3.Server.Bucket,
            Key = _prefix + objectName,
            InputStream = new MemoryStream(change(bytes)),
            UseChunkEncoding = false, // s3rver stores aws-chunked bodies undecoded (see S3BlockStore)
        }, Cancellation);
    }

    protected override async Task AfterAbandonedWriteAsync(string objectName, int dataBytes)
    {
        var path = ObjectPath(objectName);
        if (BlockLayout.ObjectSize(dataBytes) <= S3BlockStore.PartBytes)
        {
            // Buffered only: nothing was written at all (the test's own reads are GETs).
            Assert.DoesNotContain(s3.Server.Requests, r => r.StartsWith($"PUT {path}", StringComparison.Ordinal) || r.StartsWith($"POST {path}", StringComparison.Ordinal));
            return;
        }

        // s3rver implements neither AbortMultipartUpload (it answers 405) nor ListMultipartUploads (501), so the
        // abort can only be seen as sent; on S3 it frees the parts.
        Assert.NotNull(await s3.Server.WaitForRequestAsync(r => r.StartsWith($"DELETE {path}?uploadId=", StringComparison.Ordinal)));
        Assert.DoesNotContain(s3.Server.Requests, r => r.StartsWith($"POST {path}?uploadId=", StringComparison.Ordinal)); // never completed
    }

    /// <summary>The request path s3rver logs for an object of this test's store.</summary>
    private string ObjectPath(string objectName) => $"/{s3.Server.Bucket}/{_prefix}{objectName}";
}
