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
