namespace JindoMeta.RocksDb.Native;

/// <summary>Turns validated <see cref="RocksDbOptions"/> into a native <c>rocksdb_options_t</c>.</summary>
internal static class NativeOptionsBuilder
{
    /// <summary>Creates the options; the caller owns the result (destroy with rocksdb_options_destroy).</summary>
    internal static nint Create(RocksDbOptions settings)
    {
        var options = NativeMethods.rocksdb_options_create();
        NativeMethods.rocksdb_options_set_create_if_missing(options, settings.CreateIfMissing ? (byte)1 : (byte)0);
        // Open lists every family we want; missing ones among those are created (pitfall 5).
        NativeMethods.rocksdb_options_set_create_missing_column_families(options, 1);
        NativeMethods.rocksdb_options_set_max_background_jobs(options, settings.MaxBackgroundJobs);
        NativeMethods.rocksdb_options_set_write_buffer_size(options, (nuint)settings.WriteBufferSizeBytes);
        NativeMethods.rocksdb_options_set_max_open_files(options, settings.MaxOpenFiles);
        NativeMethods.rocksdb_options_set_compression(options, (int)settings.Compression);
        NativeMethods.rocksdb_options_set_WAL_ttl_seconds(options, (ulong)settings.WalTtlSeconds);
        NativeMethods.rocksdb_options_set_WAL_size_limit_MB(options, (ulong)settings.WalSizeLimitMb);
        // Keeps space amplification near 1.1x as the tree grows (RocksDB's recommended setting for new DBs).
        NativeMethods.rocksdb_options_set_level_compaction_dynamic_level_bytes(options, 1);
        if (settings.EnableStatistics)
        {
            NativeMethods.rocksdb_options_enable_statistics(options);
        }

        var tableOptions = NativeMethods.rocksdb_block_based_options_create();
        if (settings.BlockCacheSizeBytes > 0)
        {
            // set_block_cache copies the shared_ptr, so our wrapper can go right away.
            var cache = NativeMethods.rocksdb_cache_create_lru((nuint)settings.BlockCacheSizeBytes);
            NativeMethods.rocksdb_block_based_options_set_block_cache(tableOptions, cache);
            NativeMethods.rocksdb_cache_destroy(cache);
        }
        else
        {
            NativeMethods.rocksdb_block_based_options_set_no_block_cache(tableOptions, 1);
        }

        if (settings.BloomFilterBitsPerKey > 0)
        {
            // Ownership passes to the table options (pitfall 3): never destroy the policy ourselves.
            var filter = NativeMethods.rocksdb_filterpolicy_create_bloom_full(settings.BloomFilterBitsPerKey);
            NativeMethods.rocksdb_block_based_options_set_filter_policy(tableOptions, filter);
        }

        // Format 5 (readable by RocksDB 6.6 and later), not 11.x's default 7: Debian's 7.8 tools (ldb, sst_dump) refuse 7.
        NativeMethods.rocksdb_block_based_options_set_format_version(tableOptions, 5);
        NativeMethods.rocksdb_options_set_block_based_table_factory(options, tableOptions);
        NativeMethods.rocksdb_block_based_options_destroy(tableOptions);
        return options;
    }
}
