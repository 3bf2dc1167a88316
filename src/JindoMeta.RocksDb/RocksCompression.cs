namespace JindoMeta.RocksDb;

/// <summary>Block compression for SST files. Values are RocksDB's own codes (c.h: rocksdb_*_compression).</summary>
public enum RocksCompression
{
    None = 0,
    Snappy = 1,
    Lz4 = 4,
    Zstd = 7,
}
