using System.Buffers.Binary;
using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

public sealed class BatchAndSnapshotTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Batch_across_column_families_is_invisible_until_written_then_visible_together()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["inodes", "dentries"]);
        var inodes = db.GetColumnFamily("inodes");
        var dentries = db.GetColumnFamily("dentries");
        db.Put(inodes, U("old"), U("x"), sync: false);

        using var batch = new WriteBatch();
        batch.Put(inodes, U("i1"), U("file"));
        batch.Put(dentries, U("root/f"), U("i1"));
        batch.Delete(inodes, U("old"));
        Assert.Equal(3, batch.Count);
        Assert.Null(db.Get(inodes, U("i1")));

        db.Write(batch, sync: true);

        Assert.Equal("file", S(db.Get(inodes, U("i1"))));
        Assert.Equal("i1", S(db.Get(dentries, U("root/f"))));
        Assert.Null(db.Get(inodes, U("old")));

        batch.Clear();
        Assert.Equal(0, batch.Count);
        batch.DeleteRange(dentries, U("root/"), U("root0"));
        db.Write(batch, sync: false);
        Assert.Null(db.Get(dentries, U("root/f")));
    }

    [Fact]
    public async Task Concurrent_readers_never_see_half_of_a_synced_batch()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["left", "right"]);
        var left = db.GetColumnFamily("left");
        var right = db.GetColumnFamily("right");
        const int Commits = 200;
        using var stop = new CancellationTokenSource();
        var torn = 0;
        var reads = 0;

        var reader = Task.Factory.StartNew(() =>
        {
            Span<byte> a = stackalloc byte[8];
            Span<byte> b = stackalloc byte[8];
            while (!stop.IsCancellationRequested)
            {
                using var snapshot = db.CreateSnapshot();
                var hasA = db.TryGet(left, U("counter"), a, out _, snapshot);
                var hasB = db.TryGet(right, U("counter"), b, out _, snapshot);
                if (hasA != hasB || (hasA && !a.SequenceEqual(b)))
                {
                    Interlocked.Increment(ref torn);
                }

                Interlocked.Increment(ref reads);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        using var batch = new WriteBatch();
        var value = new byte[8];
        // Keep committing until the reader has looked often enough to catch a torn batch (bounded by time).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var i = 0;
        for (; i < Commits || (Volatile.Read(ref reads) < 500 && DateTime.UtcNow < deadline); i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(value, i);
            batch.Clear();
            batch.Put(left, U("counter"), value);
            batch.Put(right, U("counter"), value);
            db.Write(batch, sync: true);
        }

        stop.Cancel();
        await reader;
        Assert.Equal(0, torn);
        Assert.True(reads >= 500, $"reader made only {reads} reads");
        Assert.Equal(i - 1, BinaryPrimitives.ReadInt64BigEndian(db.Get(left, U("counter"))));
    }

    [Fact]
    public void Snapshot_reads_ignore_later_writes_and_deletes()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("a"), U("1"), sync: false);
        db.Put(cf, U("b"), U("1"), sync: false);

        using var snapshot = db.CreateSnapshot();
        db.Put(cf, U("a"), U("2"), sync: false);
        db.Delete(cf, U("b"), sync: false);
        db.Put(cf, U("c"), U("new"), sync: false);

        Assert.Equal("1", S(db.Get(cf, U("a"), snapshot)));
        Assert.Equal("1", S(db.Get(cf, U("b"), snapshot)));
        Assert.Null(db.Get(cf, U("c"), snapshot));
        using (var pinned = db.GetPinned(cf, U("a"), snapshot))
        {
            Assert.Equal("1", S(pinned.Value));
        }

        using (var iterator = db.NewIterator(cf, snapshot: snapshot))
        {
            Assert.Equal([("a", "1"), ("b", "1")], Scan(iterator));
        }

        Assert.Equal("2", S(db.Get(cf, U("a"))));
        Assert.Null(db.Get(cf, U("b")));
        using var live = db.NewIterator(cf);
        Assert.Equal([("a", "2"), ("c", "new")], Scan(live));
    }

    [Fact]
    public void Multi_get_returns_values_in_key_order_with_nulls_for_absent_keys()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("k2"), U("two"), sync: false);
        db.Put(cf, U("k1"), U("one"), sync: false);
        using var snapshot = db.CreateSnapshot();
        db.Put(cf, U("k3"), U("three"), sync: false);

        var values = db.MultiGet(cf, [U("k3"), U("k1"), U("zz"), U("k2")]);
        Assert.Equal(["three", "one", null, "two"], values.Select(S));
        var atSnapshot = db.MultiGet(cf, [U("k3"), U("k1")], snapshot);
        Assert.Equal([null, "one"], atSnapshot.Select(S));
        Assert.Empty(db.MultiGet(cf, []));
    }
}
