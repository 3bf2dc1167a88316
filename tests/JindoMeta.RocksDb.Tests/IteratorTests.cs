using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

public sealed class IteratorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RocksDatabase _db;
    private readonly ColumnFamily _cf;

    public IteratorTests()
    {
        _db = RocksDatabase.Open(_dir.Path, TestOptions, ["dentries"]);
        _cf = _db.GetColumnFamily("dentries");
        foreach (var key in new[] { "a", "b/1", "b/2", "b/3", "b0", "c", "d" })
        {
            _db.Put(_cf, U(key), U("v-" + key), sync: false);
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Bounds_are_lower_inclusive_and_upper_exclusive()
    {
        using var iterator = _db.NewIterator(_cf, U("b/2"), U("c"));
        Assert.Equal(["b/2", "b/3", "b0"], Scan(iterator).Select(row => row.Key));

        iterator.SeekToLast();
        Assert.Equal("b0", S(iterator.Key));
        iterator.Prev();
        Assert.Equal("b/3", S(iterator.Key));

        iterator.Seek(U("a")); // below the lower bound: clamps to it
        Assert.Equal("b/2", S(iterator.Key));
        iterator.SeekForPrev(U("zzz"));
        Assert.Equal("b0", S(iterator.Key));
    }

    [Fact]
    public void One_sided_and_unbounded_iterators()
    {
        using (var upperOnly = _db.NewIterator(_cf, upperBound: U("b/2")))
        {
            Assert.Equal(["a", "b/1"], Scan(upperOnly).Select(row => row.Key));
        }

        using (var lowerOnly = _db.NewIterator(_cf, lowerBound: U("c")))
        {
            Assert.Equal(["c", "d"], Scan(lowerOnly).Select(row => row.Key));
        }

        using var all = _db.NewIterator(_cf);
        Assert.Equal(7, Scan(all).Count);
    }

    [Fact]
    public void Prefix_iterator_yields_exactly_the_keys_with_the_prefix()
    {
        using (var iterator = _db.NewPrefixIterator(_cf, U("b/")))
        {
            Assert.Equal([("b/1", "v-b/1"), ("b/2", "v-b/2"), ("b/3", "v-b/3")], Scan(iterator));
        }

        _db.Put(_cf, [0x01, 0xFF], U("x"), sync: false);
        _db.Put(_cf, [0x01, 0xFF, 0x00], U("y"), sync: false);
        _db.Put(_cf, [0x02], U("z"), sync: false);
        using var highBytes = _db.NewPrefixIterator(_cf, [0x01, 0xFF]);
        Assert.Equal(["x", "y"], Scan(highBytes).Select(row => row.Value));
    }

    [Fact]
    public void Prefix_successor_drops_trailing_ff_and_increments()
    {
        Span<byte> buffer = stackalloc byte[4];
        Assert.Equal(2, RocksDatabase.PrefixSuccessor([0x01, 0x02], buffer));
        Assert.Equal([0x01, 0x03], buffer[..2].ToArray());
        Assert.Equal(1, RocksDatabase.PrefixSuccessor([0x01, 0xFF, 0xFF], buffer));
        Assert.Equal([0x02], buffer[..1].ToArray());
        Assert.Equal(0, RocksDatabase.PrefixSuccessor([0xFF, 0xFF], buffer));
        Assert.Equal(0, RocksDatabase.PrefixSuccessor([], buffer));
    }

    [Fact]
    public void Bounds_are_copied_so_caller_buffers_can_change()
    {
        var lower = U("b/1");
        var upper = U("b0");
        using var iterator = _db.NewIterator(_cf, lower, upper);
        Array.Fill(lower, (byte)'z');
        Array.Fill(upper, (byte)'a');
        GC.Collect();
        Assert.Equal(["b/1", "b/2", "b/3"], Scan(iterator).Select(row => row.Key));
    }

    [Fact]
    public void Misuse_is_reported_not_crashing()
    {
        Assert.Throws<ArgumentException>(() => _db.NewIterator(_cf, U("z"), U("a")));
        var iterator = _db.NewIterator(_cf, U("x"));
        iterator.SeekToFirst();
        Assert.False(iterator.Valid);
        Assert.Throws<InvalidOperationException>(() => iterator.Key.Length);
        Assert.Throws<InvalidOperationException>(iterator.Next);
        iterator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => iterator.Valid);
        iterator.Dispose();
    }
}
