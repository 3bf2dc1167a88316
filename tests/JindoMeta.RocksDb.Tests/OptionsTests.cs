using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

public sealed class OptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<RocksDbOptions, string> InvalidOptions() => new()
    {
        { new RocksDbOptions { WriteBufferSizeBytes = 1000 }, nameof(RocksDbOptions.WriteBufferSizeBytes) },
        { new RocksDbOptions { BlockCacheSizeBytes = -1 }, nameof(RocksDbOptions.BlockCacheSizeBytes) },
        { new RocksDbOptions { BloomFilterBitsPerKey = -1 }, nameof(RocksDbOptions.BloomFilterBitsPerKey) },
        { new RocksDbOptions { BloomFilterBitsPerKey = 65 }, nameof(RocksDbOptions.BloomFilterBitsPerKey) },
        { new RocksDbOptions { MaxOpenFiles = 5 }, nameof(RocksDbOptions.MaxOpenFiles) },
        { new RocksDbOptions { MaxOpenFiles = 0 }, nameof(RocksDbOptions.MaxOpenFiles) },
        { new RocksDbOptions { WalTtlSeconds = -1 }, nameof(RocksDbOptions.WalTtlSeconds) },
        { new RocksDbOptions { WalSizeLimitMb = -5 }, nameof(RocksDbOptions.WalSizeLimitMb) },
        { new RocksDbOptions { Compression = (RocksCompression)2 }, nameof(RocksDbOptions.Compression) },
        { new RocksDbOptions { MaxBackgroundJobs = 0 }, nameof(RocksDbOptions.MaxBackgroundJobs) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_option_is_refused_with_its_name_before_anything_is_created(RocksDbOptions options, string option)
    {
        var path = _dir.Sub("db");

        var error = Assert.Throws<ArgumentException>(() => RocksDatabase.Open(path, options, []));

        Assert.Equal(option, error.ParamName);
        Assert.Contains("RocksDbOptions." + option, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var defaults = new RocksDbOptions();
        defaults.Validate();
        Assert.Equal(64L << 20, defaults.WriteBufferSizeBytes);
        Assert.Equal(256L << 20, defaults.BlockCacheSizeBytes);
        Assert.Equal(10, defaults.BloomFilterBitsPerKey);
        Assert.Equal(-1, defaults.MaxOpenFiles);
        Assert.Equal(0, defaults.WalTtlSeconds);
        Assert.Equal(0, defaults.WalSizeLimitMb);
        Assert.Equal(RocksCompression.Lz4, defaults.Compression);
        Assert.False(defaults.EnableStatistics);
        Assert.Equal(2, defaults.MaxBackgroundJobs);
        Assert.True(defaults.CreateIfMissing);
    }

    [Fact]
    public void Bad_column_family_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RocksDatabase.Open(_dir.Path, TestOptions, [""]));
        Assert.Throws<ArgumentException>(() => RocksDatabase.Open(_dir.Path, TestOptions, ["a\0b"]));
    }

    [Theory]
    [InlineData(RocksCompression.None, "kNoCompression")]
    [InlineData(RocksCompression.Snappy, "kSnappyCompression")]
    [InlineData(RocksCompression.Lz4, "kLZ4Compression")]
    [InlineData(RocksCompression.Zstd, "kZSTD")]
    public void Every_tuned_option_reaches_rocksdb(RocksCompression compression, string expectedCompression)
    {
        var options = new RocksDbOptions
        {
            WriteBufferSizeBytes = 3 << 20,
            BlockCacheSizeBytes = 5 << 20,
            BloomFilterBitsPerKey = 12,
            MaxOpenFiles = 300,
            WalTtlSeconds = 3600,
            WalSizeLimitMb = 77,
            Compression = compression,
            MaxBackgroundJobs = 3,
        };
        using (var db = RocksDatabase.Open(_dir.Path, options, ["cf"]))
        {
            // Data written with the codec must read back after a flush to an SST.
            var cf = db.GetColumnFamily("cf");
            db.Put(cf, U("k"), U(new string('x', 4096)), sync: false);
            db.Flush(cf);
            Assert.Equal(4096, db.Get(cf, U("k"))!.Length);
        }

        // RocksDB writes the options it actually uses to OPTIONS-<n>: an independent record to check against.
        var written = RocksOptionsFile.ReadLatest(_dir.Path);
        Assert.Equal("3", written["DBOptions"]["max_background_jobs"]);
        Assert.Equal("300", written["DBOptions"]["max_open_files"]);
        Assert.Equal("3600", written["DBOptions"]["WAL_ttl_seconds"]);
        Assert.Equal("77", written["DBOptions"]["WAL_size_limit_MB"]);
        foreach (var family in new[] { "default", "cf" })
        {
            var cfOptions = written[$"CFOptions \"{family}\""];
            Assert.Equal((3 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), cfOptions["write_buffer_size"]);
            Assert.Equal(expectedCompression, cfOptions["compression"]);
            var table = written[$"TableOptions/BlockBasedTable \"{family}\""];
            Assert.Equal("bloomfilter", table["filter_policy"]); // RocksDB (7.8 and 11.x) does not print the bits; see the next test
            Assert.Equal("false", table["no_block_cache"]);
            Assert.Equal("5", table["format_version"]); // 11.x would write 7, which Debian's 7.8 ldb refuses
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(20)]
    public void Bloom_bits_per_key_set_the_filter_size(int bitsPerKey)
    {
        const int Keys = 10_000;
        using var db = RocksDatabase.Open(_dir.Path, TestOptions with { BloomFilterBitsPerKey = bitsPerKey }, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        using var batch = new WriteBatch();
        for (var i = 0; i < Keys; i++)
        {
            batch.Put(cf, U("key" + i), U("v"));
        }

        db.Write(batch, sync: false);
        db.Flush(cf);

        var properties = db.GetProperty("rocksdb.aggregated-table-properties", cf)!;
        var filterBytes = long.Parse(
            System.Text.RegularExpressions.Regex.Match(properties, @"filter block size=(\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        var expected = (double)Keys * bitsPerKey / 8;
        Assert.InRange(filterBytes, expected * 0.9, (expected * 1.3) + 64);
    }

    [Fact]
    public void Zero_block_cache_and_zero_bloom_bits_turn_both_off()
    {
        using (RocksDatabase.Open(_dir.Path, TestOptions with { BlockCacheSizeBytes = 0, BloomFilterBitsPerKey = 0 }, []))
        {
        }

        var table = RocksOptionsFile.ReadLatest(_dir.Path)["TableOptions/BlockBasedTable \"default\""];
        Assert.Equal("true", table["no_block_cache"]);
        Assert.Equal("nullptr", table["filter_policy"]);
    }
}
