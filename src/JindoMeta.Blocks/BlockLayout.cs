using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace JindoMeta.Blocks;

/// <summary>
/// A block object is its data followed by a CRC32C of every 512 bytes (the last chunk may be shorter), each a
/// big-endian uint as in an HDFS block's .meta file. The block list keeps the data length and a CRC32C of those
/// chunk CRCs, so one small read proves the trailer, and the trailer proves each chunk before it is handed on.
/// </summary>
public static class BlockLayout
{
    public const int BytesPerChecksum = 512;

    public static long ChunkCount(long dataLength) => (dataLength + BytesPerChecksum - 1) / BytesPerChecksum;

    public static long ObjectSize(long dataLength) => dataLength + (4 * ChunkCount(dataLength));
}

/// <summary>What a written block is, as its file's block list records it.</summary>
/// <param name="NumBytes">Data bytes.</param>
/// <param name="Checksum">CRC32C of the chunk checksums (the trailer).</param>
public readonly record struct BlockSummary(long NumBytes, uint Checksum);

/// <summary>Writes one block: data passes through to the object, chunk checksums are collected and appended at commit.</summary>
public sealed class BlockWriter(IObjectWriter target) : IAsyncDisposable
{
    private readonly ArrayBufferWriter<byte> _trailer = new(4096);
    private readonly byte[] _partial = new byte[BlockLayout.BytesPerChecksum];
    private int _partialLength;
    private long _length;

    public long Length => _length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        AddChecksums(data.Span);
        await target.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        _length += data.Length;
    }

    public async ValueTask<BlockSummary> CommitAsync(CancellationToken cancellationToken)
    {
        if (_partialLength > 0)
        {
            AppendChecksum(_partial.AsSpan(0, _partialLength));
            _partialLength = 0;
        }

        await target.WriteAsync(_trailer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new BlockSummary(_length, Crc32C.Compute(_trailer.WrittenSpan));
    }

    public ValueTask DisposeAsync() => target.DisposeAsync();

    private void AddChecksums(ReadOnlySpan<byte> data)
    {
        if (_partialLength > 0)
        {
            var take = Math.Min(data.Length, BlockLayout.BytesPerChecksum - _partialLength);
            data[..take].CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += take;
            data = data[take..];
            if (_partialLength < BlockLayout.BytesPerChecksum)
            {
                return;
            }

            AppendChecksum(_partial);
            _partialLength = 0;
        }

        while (data.Length >= BlockLayout.BytesPerChecksum)
        {
            AppendChecksum(data[..BlockLayout.BytesPerChecksum]);
            data = data[BlockLayout.BytesPerChecksum..];
        }

        data.CopyTo(_partial);
        _partialLength = data.Length;
    }

    private void AppendChecksum(ReadOnlySpan<byte> chunk)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_trailer.GetSpan(4), Crc32C.Compute(chunk));
        _trailer.Advance(4);
    }
}

/// <summary>A block whose bytes do not match their checksums: never handed on.</summary>
public sealed class BlockChecksumException(string message) : IOException(message);

/// <summary>Reads a range of one block, verifying every chunk it touches before yielding it.</summary>
public static class BlockReader
{
    /// <summary>
    /// The trailer of a block, proved against the block list's checksum. <paramref name="label"/> names the file in
    /// errors ("/user/a/f").
    /// </summary>
    public static async ValueTask<byte[]> ReadTrailerAsync(IBlockStore store, BlockKey key, long numBytes, uint checksum, string label, CancellationToken cancellationToken)
    {
        var trailer = new byte[4 * BlockLayout.ChunkCount(numBytes)];
        try
        {
            await store.ReadAsync(key.ObjectName, numBytes, trailer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw new BlockChecksumException($"Checksum error: {label}: block {key} is shorter than its {numBytes} bytes and their checksums");
        }

        var actual = Crc32C.Compute(trailer);
        return actual == checksum || checksum == 0 // 0: recorded without one; the chunk checksums still hold
            ? trailer
            : throw new BlockChecksumException($"Checksum error: {label}: the checksums of block {key} do not match its block list (exp: {checksum} got: {actual})");
    }

    /// <summary>
    /// Yields bytes [offset, offset + count) of the block in order; each slice is valid until the next one is asked
    /// for. <paramref name="fileOffset"/> is the block's offset in the file, for error messages.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        IBlockStore store, BlockKey key, long numBytes, uint checksum, long offset, long count, string label, long fileOffset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (offset < 0 || count < 0 || offset + count > numBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Range {offset}+{count} is outside block {key} of {numBytes} bytes");
        }

        if (count == 0)
        {
            yield break;
        }

        var trailer = await ReadTrailerAsync(store, key, numBytes, checksum, label, cancellationToken).ConfigureAwait(false);
        var segmentBytes = Math.Max(BlockLayout.BytesPerChecksum, store.PreferredReadBytes / BlockLayout.BytesPerChecksum * BlockLayout.BytesPerChecksum);
        var buffer = ArrayPool<byte>.Shared.Rent(segmentBytes);
        try
        {
            var position = offset / BlockLayout.BytesPerChecksum * BlockLayout.BytesPerChecksum;
            var end = offset + count;
            var alignedEnd = Math.Min(numBytes, (end + BlockLayout.BytesPerChecksum - 1) / BlockLayout.BytesPerChecksum * BlockLayout.BytesPerChecksum);
            while (position < end)
            {
                var segment = (int)Math.Min(segmentBytes, alignedEnd - position);
                var memory = buffer.AsMemory(0, segment);
                try
                {
                    await store.ReadAsync(key.ObjectName, position, memory, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException)
                {
                    throw new BlockChecksumException($"Checksum error: {label}: block {key} is shorter than its {numBytes} bytes");
                }

                Verify(memory.Span, trailer, position, key, label, fileOffset);
                var from = (int)Math.Max(0, offset - position);
                var to = (int)Math.Min(segment, end - position);
                yield return memory[from..to];
                position += segment;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Verify(ReadOnlySpan<byte> data, byte[] trailer, long position, BlockKey key, string label, long fileOffset)
    {
        var chunk = (int)(position / BlockLayout.BytesPerChecksum);
        for (var at = 0; at < data.Length; at += BlockLayout.BytesPerChecksum, chunk++)
        {
            var piece = data.Slice(at, Math.Min(BlockLayout.BytesPerChecksum, data.Length - at));
            var expected = BinaryPrimitives.ReadUInt32BigEndian(trailer.AsSpan(chunk * 4, 4));
            var actual = Crc32C.Compute(piece);
            if (actual != expected)
            {
                // Hadoop's ChecksumException wording: the file, the offset of the bad chunk in it, both sums.
                throw new BlockChecksumException(
                    $"Checksum error: {label} at {fileOffset + position + at} exp: {unchecked((int)expected)} got: {unchecked((int)actual)} (block {key})");
            }
        }
    }
}
