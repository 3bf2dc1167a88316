using JindoMeta.Blocks.Tests.Support;

namespace JindoMeta.Blocks.Tests;

/// <summary>
/// What every <see cref="IBlockStore"/> must do, through <see cref="BlockWriter"/> and <see cref="BlockReader"/> as the
/// daemon uses them. Each store's test class derives from this, so every fact here runs against each store.
/// </summary>
public abstract class BlockStoreContract : IAsyncLifetime
{
    private const string Label = "/user/alice/data.bin";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private IBlockStore? _store;

    protected IBlockStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected CancellationToken Cancellation => _timeout.Token;

    public async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _timeout.Dispose();
    }

    /// <summary>A store of this test's own, empty.</summary>
    protected abstract Task<IBlockStore> OpenStoreAsync();

    /// <summary>Replaces the stored bytes of an object behind the store's back (a disk or bucket gone bad).</summary>
    protected abstract Task ReplaceObjectAsync(string objectName, Func<byte[], byte[]> change);

    /// <summary>Store-specific checks after a write of <paramref name="objectName"/> was abandoned.</summary>
    protected virtual Task AfterAbandonedWriteAsync(string objectName, int dataBytes) => Task.CompletedTask;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(BlockBytes.MiB + 7)]
    [InlineData((20 * BlockBytes.MiB) + 3)] // past S3BlockStore.PartBytes: a multipart upload of three parts
    public async Task A_block_reads_back_byte_exact_and_is_stored_as_data_then_chunk_checksums(int length)
    {
        var data = BlockBytes.Random(length, seed: length);
        var key = new BlockKey("ns", 1, length);

        var summary = await WriteBlockAsync(key, data);

        var expectedObject = BlockBytes.ExpectedObject(data);
        Assert.Equal(length, summary.NumBytes);
        Assert.Equal(Crc32C.Compute(expectedObject.AsSpan(length)), summary.Checksum);
        Assert.Equal(data, await ReadBlockAsync(key, summary, 0, length));
        var stored = Assert.Single(await ListAsync("ns/"));
        Assert.Equal((key.ObjectName, (long)expectedObject.Length), (stored.Name, stored.Size));
        Assert.Equal(BlockLayout.ObjectSize(length), stored.Size);
        var raw = await ReadRawAsync(key.ObjectName, 0, expectedObject.Length);
        Assert.True(expectedObject.AsSpan().SequenceEqual(raw), "stored bytes differ from data + big-endian CRC32C per 512 B");
    }

    [Fact]
    public async Task Ranged_reads_at_odd_offsets_return_exactly_the_range()
    {
        // 17 MiB + 13 crosses the local store's 1 MiB read segments and S3's 8 MiB ones twice.
        var length = (17 * BlockBytes.MiB) + 13;
        var data = BlockBytes.Random(length, seed: 17);
        var key = new BlockKey("ns", 2, 1);
        var summary = await WriteBlockAsync(key, data);

        (long Offset, long Count)[] ranges =
        [
            (0, 1), (1, 1), (1, 511), (511, 2), (512, 512), (513, 1000), (7, 100_003),
            (BlockBytes.MiB - 3, 10), (BlockBytes.MiB - 511, BlockBytes.MiB + 1023),
            ((8 * BlockBytes.MiB) - 5, 11), ((8 * BlockBytes.MiB) + 1, (8 * BlockBytes.MiB) + 3),
            (length - 1, 1), (length - 600, 600), (3, length - 3), (0, 0), (length, 0),
        ];
        foreach (var (offset, count) in ranges)
        {
            var read = await ReadBlockAsync(key, summary, offset, count);
            Assert.True(data.AsSpan((int)offset, (int)count).SequenceEqual(read), $"range {offset}+{count} differs");
        }
    }

    [Fact]
    public async Task A_range_outside_the_block_is_refused()
    {
        var key = new BlockKey("ns", 2, 2);
        var summary = await WriteBlockAsync(key, BlockBytes.Random(1000, seed: 2));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReadBlockAsync(key, summary, 999, 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReadBlockAsync(key, summary, -1, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData((9 * BlockBytes.MiB) + 1)] // a multipart upload is under way on S3 when the write is abandoned
    public async Task An_abandoned_write_leaves_no_object(int length)
    {
        var key = new BlockKey("ns", 3, 1);
        await using (var writer = new BlockWriter(await Store.OpenWriteAsync(key.ObjectName, Cancellation)))
        {
            foreach (var piece in BlockBytes.Pieces(BlockBytes.Random(length, seed: 3)))
            {
                await writer.WriteAsync(piece, Cancellation);
            }
        }

        Assert.Empty(await ListAsync(""));
        await Assert.ThrowsAsync<BlockNotFoundException>(() => ReadRawAsync(key.ObjectName, 0, 1));
        await AfterAbandonedWriteAsync(key.ObjectName, length);
    }

    [Fact]
    public async Task A_write_after_an_abandoned_one_of_the_same_object_commits()
    {
        // The daemon retries a failed block write under the same name.
        var key = new BlockKey("ns", 3, 2);
        await using (var abandoned = new BlockWriter(await Store.OpenWriteAsync(key.ObjectName, Cancellation)))
        {
            await abandoned.WriteAsync(BlockBytes.Random(5000, seed: 4), Cancellation);
        }

        var data = BlockBytes.Random(3000, seed: 5);
        var summary = await WriteBlockAsync(key, data);

        Assert.Equal(data, await ReadBlockAsync(key, summary, 0, data.Length));
        Assert.Single(await ListAsync(""));
    }

    [Fact]
    public async Task Reading_a_missing_object_throws_BlockNotFoundException()
    {
        var key = new BlockKey("ns", 4, 1);

        await Assert.ThrowsAsync<BlockNotFoundException>(() => ReadRawAsync(key.ObjectName, 0, 10));
        await Assert.ThrowsAsync<BlockNotFoundException>(() => ReadBlockAsync(key, new BlockSummary(10, 0), 0, 10));
    }

    [Fact]
    public async Task A_flipped_data_byte_is_a_checksum_error_naming_the_file_and_the_chunk_offset()
    {
        var data = BlockBytes.Random(2000, seed: 6);
        var key = new BlockKey("ns", 5, 1);
        var summary = await WriteBlockAsync(key, data);
        await ReplaceObjectAsync(key.ObjectName, bytes => Flip(bytes, 1000)); // chunk [512, 1024)
        const long blockOffsetInFile = 128L * BlockBytes.MiB;

        var error = await Assert.ThrowsAsync<BlockChecksumException>(() => ReadBlockAsync(key, summary, 0, data.Length, blockOffsetInFile));

        var expected = unchecked((int)Crc32C.Compute(data.AsSpan(512, 512)));
        var actual = unchecked((int)Crc32C.Compute(Flip(data, 1000).AsSpan(512, 512)));
        Assert.StartsWith($"Checksum error: {Label} at {blockOffsetInFile + 512} exp: {expected} got: {actual}", error.Message);
        // Chunks that are intact still read: only the chunks a range touches are checked.
        Assert.Equal(data[..512], await ReadBlockAsync(key, summary, 0, 512));
        Assert.Equal(data[1024..], await ReadBlockAsync(key, summary, 1024, data.Length - 1024));
    }

    [Fact]
    public async Task A_flipped_trailer_byte_does_not_match_the_block_list()
    {
        var data = BlockBytes.Random(2000, seed: 7);
        var key = new BlockKey("ns", 5, 2);
        var summary = await WriteBlockAsync(key, data);
        await ReplaceObjectAsync(key.ObjectName, bytes => Flip(bytes, data.Length + 5)); // chunk 1's checksum

        var error = await Assert.ThrowsAsync<BlockChecksumException>(() => ReadBlockAsync(key, summary, 0, 10));
        Assert.StartsWith($"Checksum error: {Label}: the checksums of block {key} do not match its block list", error.Message);

        // Without a recorded trailer checksum the chunk check still catches it.
        var unrecorded = await Assert.ThrowsAsync<BlockChecksumException>(() => ReadBlockAsync(key, summary with { Checksum = 0 }, 0, data.Length));
        Assert.StartsWith($"Checksum error: {Label} at 512 exp: ", unrecorded.Message);
    }

    [Theory]
    [InlineData(1)] // the last checksum loses a byte
    [InlineData(16)] // the trailer is gone (2000 B: four chunks)
    [InlineData(2016)] // nothing left
    public async Task A_truncated_object_is_a_checksum_error_saying_it_is_shorter(int cut)
    {
        var data = BlockBytes.Random(2000, seed: 8);
        var key = new BlockKey("ns", 6, cut);
        var summary = await WriteBlockAsync(key, data);
        await ReplaceObjectAsync(key.ObjectName, bytes => bytes[..^cut]);

        var error = await Assert.ThrowsAsync<BlockChecksumException>(() => ReadBlockAsync(key, summary, 0, data.Length));

        Assert.StartsWith($"Checksum error: {Label}: block {key} is shorter than its 2000 bytes", error.Message);
        // From 1000: s3rver 3.7.1 answers a range from 0 of an empty object with a 1-byte Content-Length and no body.
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadRawAsync(key.ObjectName, 1000, data.Length + 16 - 1000));
    }

    [Fact]
    public async Task List_returns_exactly_the_objects_under_a_prefix_with_their_sizes()
    {
        var lengths = new Dictionary<BlockKey, int>
        {
            [new BlockKey("a", 1, 1)] = 10,
            [new BlockKey("a", 1, 2)] = 600,
            [new BlockKey("a", 2, 1)] = 0,
            [new BlockKey("ab", 1, 1)] = 20, // shares "a" but not "a/"
            [new BlockKey("b", 1, 1)] = 30,
        };
        foreach (var (key, length) in lengths)
        {
            await WriteBlockAsync(key, BlockBytes.Random(length, seed: length));
        }

        Assert.Equal(Expected("a", _ => true), await ListAsync("a/"));
        Assert.Equal(Expected("a", key => key.FileId == 1), await ListAsync($"a/{1L:x16}/"));
        Assert.Equal(Expected("a", _ => true), await ListAsync($"a/{0L:x15}")); // part of a file id
        Assert.Equal(Expected("ab", _ => true), await ListAsync("ab/"));
        Assert.Equal(lengths.Count, (await ListAsync("")).Count);
        Assert.Empty(await ListAsync("c/"));
        Assert.Empty(await ListAsync($"a/{3L:x16}/"));

        List<(string, long)> Expected(string namespaceName, Func<BlockKey, bool> filter) =>
            [.. lengths.Where(e => e.Key.Namespace == namespaceName && filter(e.Key))
                .Select(e => (e.Key.ObjectName, BlockLayout.ObjectSize(e.Value))).Order()];
    }

    [Fact]
    public async Task Delete_removes_the_object_and_a_missing_one_is_no_error()
    {
        var keep = new BlockKey("ns", 7, 1);
        var doomed = new BlockKey("ns", 7, 2);
        await WriteBlockAsync(keep, BlockBytes.Random(100, seed: 9));
        await WriteBlockAsync(doomed, BlockBytes.Random(100, seed: 10));

        await Store.DeleteAsync(doomed.ObjectName, Cancellation);

        Assert.Equal([(keep.ObjectName, BlockLayout.ObjectSize(100))], await ListAsync(""));
        await Assert.ThrowsAsync<BlockNotFoundException>(() => ReadRawAsync(doomed.ObjectName, 0, 1));
        await Store.DeleteAsync(doomed.ObjectName, Cancellation); // again
        await Store.DeleteAsync(new BlockKey("other", 99, 1).ObjectName, Cancellation); // never there, nor its file's
    }

    [Fact]
    public async Task Concurrent_writers_of_different_objects_each_get_their_own_bytes()
    {
        // Writes interleave on the thread pool; two are multipart on S3.
        int[] lengths = [1, 513, 70_000, BlockBytes.MiB + 7, 3 * BlockBytes.MiB, (9 * BlockBytes.MiB) + 5, (8 * BlockBytes.MiB) + 1, 4096];
        var blocks = lengths.Select((length, i) => (Key: new BlockKey("ns", 8, i), Data: BlockBytes.Random(length, seed: 100 + i))).ToArray();

        var summaries = await Task.WhenAll(blocks.Select(block => Task.Run(() => WriteBlockAsync(block.Key, block.Data))));

        for (var i = 0; i < blocks.Length; i++)
        {
            var read = await ReadBlockAsync(blocks[i].Key, summaries[i], 0, blocks[i].Data.Length);
            Assert.True(blocks[i].Data.AsSpan().SequenceEqual(read), $"block {i} differs");
        }

        Assert.Equal(blocks.Length, (await ListAsync("ns/")).Count);
    }

    protected async Task<BlockSummary> WriteBlockAsync(BlockKey key, byte[] data)
    {
        await using var writer = new BlockWriter(await Store.OpenWriteAsync(key.ObjectName, Cancellation));
        foreach (var piece in BlockBytes.Pieces(data))
        {
            await writer.WriteAsync(piece, Cancellation);
        }

        return await writer.CommitAsync(Cancellation);
    }

    protected async Task<byte[]> ReadBlockAsync(BlockKey key, BlockSummary summary, long offset, long count, long fileOffset = 0)
    {
        using var result = new MemoryStream();
        await foreach (var slice in BlockReader.ReadAsync(Store, key, summary.NumBytes, summary.Checksum, offset, count, Label, fileOffset, Cancellation))
        {
            result.Write(slice.Span);
        }

        return result.ToArray();
    }

    protected async Task<byte[]> ReadRawAsync(string objectName, long offset, int count)
    {
        var bytes = new byte[count];
        await Store.ReadAsync(objectName, offset, bytes, Cancellation);
        return bytes;
    }

    /// <summary>Every object under <paramref name="prefix"/> as (name, size), sorted.</summary>
    protected async Task<List<(string Name, long Size)>> ListAsync(string prefix)
    {
        var result = new List<(string, long)>();
        await foreach (var entry in Store.ListAsync(prefix, Cancellation))
        {
            result.Add((entry.Name, entry.Size));
        }

        result.Sort();
        return result;
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x40;
        return copy;
    }
}
