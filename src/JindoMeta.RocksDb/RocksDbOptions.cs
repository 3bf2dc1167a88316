namespace JindoMeta.RocksDb;

/// <summary>
/// The settings an operator tunes, with documented defaults. The same options apply to every column family.
/// <see cref="Validate"/> runs at <see cref="RocksDatabase.Open"/> and names the offending option.
/// </summary>
public sealed record RocksDbOptions
{
    /// <summary>Memtable size per column family before it is flushed. Default 64 MiB; at least 64 KiB.</summary>
    public long WriteBufferSizeBytes { get; init; } = 64L << 20;

    /// <summary>Shared LRU block cache for all column families. Default 256 MiB; 0 disables the block cache.</summary>
    public long BlockCacheSizeBytes { get; init; } = 256L << 20;

    /// <summary>Full bloom filter bits per key (~1% false positives at 10). Default 10; 0 = no filter; at most 64.</summary>
    public int BloomFilterBitsPerKey { get; init; } = 10;

    /// <summary>Table files kept open; -1 = unlimited (default). RocksDB raises values below 20 to 20, so they are refused.</summary>
    public int MaxOpenFiles { get; init; } = -1;

    /// <summary>Archived WAL files older than this are deleted. Default 0 = archived WAL is not kept by age.</summary>
    public long WalTtlSeconds { get; init; }

    /// <summary>Archived WAL is trimmed to this many MiB. Default 0 = no size-based retention.</summary>
    public long WalSizeLimitMb { get; init; }

    /// <summary>
    /// SST block compression. Default <see cref="RocksCompression.Lz4"/>: cheap on CPU (a few % of a get) and it
    /// roughly halves the size of name-heavy metadata blocks.
    /// </summary>
    public RocksCompression Compression { get; init; } = RocksCompression.Lz4;

    /// <summary>Collect tickers and histograms (costs a few % CPU). Default false.</summary>
    public bool EnableStatistics { get; init; }

    /// <summary>Flush plus compaction threads. Default 2 (one of each on a 2-core machine); 1 to 256.</summary>
    public int MaxBackgroundJobs { get; init; } = 2;

    /// <summary>Create the database when the directory holds none. Default true.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(WriteBufferSizeBytes >= 64 << 10, nameof(WriteBufferSizeBytes), $"must be at least 65536 bytes, was {WriteBufferSizeBytes}");
        Require(BlockCacheSizeBytes >= 0, nameof(BlockCacheSizeBytes), $"must be 0 (no cache) or positive, was {BlockCacheSizeBytes}");
        Require(BloomFilterBitsPerKey is >= 0 and <= 64, nameof(BloomFilterBitsPerKey), $"must be 0 (off) to 64, was {BloomFilterBitsPerKey}");
        Require(MaxOpenFiles == -1 || MaxOpenFiles >= 20, nameof(MaxOpenFiles), $"must be -1 (unlimited) or at least 20, was {MaxOpenFiles}");
        Require(WalTtlSeconds >= 0, nameof(WalTtlSeconds), $"must be 0 (off) or positive, was {WalTtlSeconds}");
        Require(WalSizeLimitMb >= 0, nameof(WalSizeLimitMb), $"must be 0 (off) or positive, was {WalSizeLimitMb}");
        Require(Enum.IsDefined(Compression), nameof(Compression), $"must be None, Snappy, Lz4 or Zstd, was {(int)Compression}");
        Require(MaxBackgroundJobs is >= 1 and <= 256, nameof(MaxBackgroundJobs), $"must be 1 to 256, was {MaxBackgroundJobs}");
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"RocksDbOptions.{option} {problem}.", option);
        }
    }
}
