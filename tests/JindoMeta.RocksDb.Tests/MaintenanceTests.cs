using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

public sealed class MaintenanceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Checkpoint_opens_as_an_independent_database_with_the_state_at_checkpoint_time()
    {
        var checkpointPath = _dir.Sub("checkpoint");
        using (var db = RocksDatabase.Open(_dir.Sub("db"), TestOptions, ["meta", "dentries"]))
        {
            var dentries = db.GetColumnFamily("dentries");
            db.Put(dentries, U("before"), U("1"), sync: false); // still in the memtable: the checkpoint must flush it
            db.Put(db.GetColumnFamily("meta"), U("applied"), U("7"), sync: false);

            db.CreateCheckpoint(checkpointPath);

            db.Put(dentries, U("after"), U("2"), sync: false);
            db.Delete(dentries, U("before"), sync: false);
            var again = Assert.Throws<RocksDbException>(() => db.CreateCheckpoint(checkpointPath));
            Assert.Contains("exists", again.Message, StringComparison.Ordinal);

            // Independent: both open at once, and writes to one do not show in the other.
            using var copy = RocksDatabase.Open(checkpointPath, TestOptions with { CreateIfMissing = false }, []);
            Assert.Equal(["default", "meta", "dentries"], copy.ColumnFamilyNames);
            var copyDentries = copy.GetColumnFamily("dentries");
            Assert.Equal("1", S(copy.Get(copyDentries, U("before"))));
            Assert.Null(copy.Get(copyDentries, U("after")));
            Assert.Equal("7", S(copy.Get(copy.GetColumnFamily("meta"), U("applied"))));
            copy.Put(copyDentries, U("only-in-copy"), U("x"), sync: false);
            Assert.Null(db.Get(dentries, U("only-in-copy")));
        }
    }

    [Fact]
    public void Properties_report_key_estimates_stats_and_block_cache_capacity()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions with { BlockCacheSizeBytes = 3 << 20 }, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        for (var i = 0; i < 100; i++)
        {
            db.Put(cf, U($"k{i:D3}"), U("v"), sync: true);
        }

        // Sync flag reaches the WAL: one more unsynced put, one synced and one unsynced batch.
        db.Put(cf, U("k000"), U("again"), sync: false);
        using (var batch = new WriteBatch())
        {
            batch.Put(cf, U("k001"), U("again"));
            db.Write(batch, sync: true);
            db.Write(batch, sync: false);
        }

        // An estimate: memtable entries are counted without removing overwrites.
        Assert.Equal(103UL, db.GetPropertyInt("rocksdb.estimate-num-keys", cf));
        Assert.Equal(0UL, db.GetPropertyInt("rocksdb.estimate-num-keys"));
        Assert.Equal("103", db.GetProperty("rocksdb.estimate-num-keys", cf));
        Assert.Equal((ulong)(3 << 20), db.GetPropertyInt("rocksdb.block-cache-capacity", cf));
        var stats = db.GetProperty("rocksdb.stats");
        Assert.NotNull(stats);
        Assert.Contains("Cumulative WAL: 103 writes, 101 syncs", stats, StringComparison.Ordinal);
        Assert.Null(db.GetProperty("rocksdb.no-such-property"));
        Assert.Null(db.GetPropertyInt("rocksdb.no-such-property", cf));
        Assert.Equal(103UL, db.LatestSequenceNumber);
    }

    [Fact]
    public void Statistics_are_null_when_disabled_and_count_operations_when_enabled()
    {
        using (var plain = RocksDatabase.Open(_dir.Sub("plain"), TestOptions, []))
        {
            Assert.Null(plain.GetStatistics());
        }

        using var db = RocksDatabase.Open(_dir.Sub("stats"), TestOptions with { EnableStatistics = true }, []);
        var cf = db.GetColumnFamily("default");
        for (var i = 0; i < 5; i++)
        {
            db.Put(cf, U("k" + i), U("v"), sync: false);
        }

        _ = db.Get(cf, U("k1"));
        var statistics = db.GetStatistics();
        Assert.NotNull(statistics);
        Assert.Contains("rocksdb.number.keys.written COUNT : 5", statistics, StringComparison.Ordinal);
        Assert.Contains("rocksdb.number.keys.read COUNT : 1", statistics, StringComparison.Ordinal);
    }

    [Fact]
    public void Flush_moves_memtable_to_a_table_and_compaction_drops_deleted_ranges()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        for (var i = 0; i < 1000; i++)
        {
            db.Put(cf, U($"k{i:D4}"), U(new string('v', 100)), sync: false);
        }

        Assert.Equal(0UL, db.GetPropertyInt("rocksdb.total-sst-files-size", cf));
        db.Flush(cf);
        Assert.Equal(0UL, db.GetPropertyInt("rocksdb.num-entries-active-mem-table", cf));
        Assert.True(db.GetPropertyInt("rocksdb.total-sst-files-size", cf) > 0);

        db.DeleteRange(cf, U("k0000"), U("k0900"), sync: true);
        Assert.Null(db.Get(cf, U("k0899")));
        Assert.NotNull(db.Get(cf, U("k0900")));
        db.FlushWal(sync: true);
        db.CompactRange(cf);
        Assert.Equal(100UL, db.GetPropertyInt("rocksdb.estimate-num-keys", cf));
        using var iterator = db.NewIterator(cf);
        Assert.Equal(100, Scan(iterator).Count);
    }
}
