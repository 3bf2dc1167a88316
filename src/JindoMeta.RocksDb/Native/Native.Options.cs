using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>
/// DB, table, read, write and flush options. Ownership (reference pitfall 3): set_filter_policy takes ownership
/// of the policy (never destroy it ourselves); set_block_cache and set_block_based_table_factory copy.
/// </summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static partial nint rocksdb_options_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_destroy(nint options);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_create_if_missing(nint options, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_create_missing_column_families(nint options, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_background_jobs(nint options, int value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_write_buffer_size(nint options, nuint value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_open_files(nint options, int value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_compression(nint options, int value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_WAL_ttl_seconds(nint options, ulong value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_WAL_size_limit_MB(nint options, ulong value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_level_compaction_dynamic_level_bytes(nint options, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_enable_statistics(nint options);

    [LibraryImport(Library)]
    internal static partial byte* rocksdb_options_statistics_get_string(nint options);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_block_based_table_factory(nint options, nint tableOptions);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_block_based_options_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_block_based_options_destroy(nint tableOptions);

    [LibraryImport(Library)]
    internal static partial void rocksdb_block_based_options_set_block_cache(nint tableOptions, nint cache);

    [LibraryImport(Library)]
    internal static partial void rocksdb_block_based_options_set_no_block_cache(nint tableOptions, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_block_based_options_set_filter_policy(nint tableOptions, nint filterPolicy);

    [LibraryImport(Library)]
    internal static partial void rocksdb_block_based_options_set_format_version(nint tableOptions, int value);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_cache_create_lru(nuint capacity);

    [LibraryImport(Library)]
    internal static partial void rocksdb_cache_destroy(nint cache);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_filterpolicy_create_bloom_full(double bitsPerKey);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_readoptions_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_destroy(nint readOptions);

    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_snapshot(nint readOptions, nint snapshot);

    // The bound bytes are NOT copied (pitfall 4): they must outlive every iterator made with these options.
    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_iterate_lower_bound(nint readOptions, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_iterate_upper_bound(nint readOptions, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_writeoptions_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_writeoptions_destroy(nint writeOptions);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writeoptions_set_sync(nint writeOptions, byte value);

    [LibraryImport(Library)]
    internal static partial nint rocksdb_flushoptions_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_flushoptions_destroy(nint flushOptions);

    [LibraryImport(Library)]
    internal static partial void rocksdb_flushoptions_set_wait(nint flushOptions, byte value);
}
