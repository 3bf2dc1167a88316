using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

public sealed class BasicOperationsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_creates_requested_column_families_and_always_default()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["inodes", "dentries"]);

        Assert.Equal(["default", "inodes", "dentries"], db.ColumnFamilyNames);
        Assert.Equal("inodes", db.GetColumnFamily("inodes").Name);
        var error = Assert.Throws<ArgumentException>(() => db.GetColumnFamily("nope"));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Put_get_delete_are_per_column_family()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["a", "b"]);
        var a = db.GetColumnFamily("a");
        var b = db.GetColumnFamily("b");

        db.Put(a, U("k"), U("in-a"), sync: false);
        db.Put(b, U("k"), U("in-b"), sync: true);
        db.Put(a, U("empty"), [], sync: false);

        Assert.Equal("in-a", S(db.Get(a, U("k"))));
        Assert.Equal("in-b", S(db.Get(b, U("k"))));
        Assert.Null(db.Get(db.GetColumnFamily("default"), U("k")));
        var empty = db.Get(a, U("empty"));
        Assert.NotNull(empty);
        Assert.Empty(empty);

        db.Delete(a, U("k"), sync: true);
        Assert.Null(db.Get(a, U("k")));
        Assert.Equal("in-b", S(db.Get(b, U("k"))));
    }

    [Fact]
    public void Data_survives_close_and_reopen_including_column_families_not_listed()
    {
        using (var db = RocksDatabase.Open(_dir.Path, TestOptions, ["meta", "extra"]))
        {
            db.Put(db.GetColumnFamily("meta"), U("format"), U("1"), sync: true);
            db.Put(db.GetColumnFamily("extra"), U("x"), U("y"), sync: false);
        }

        // "extra" is not asked for: it is on disk, so it must be opened anyway.
        using var reopened = RocksDatabase.Open(_dir.Path, TestOptions with { CreateIfMissing = false }, ["meta"]);
        Assert.Equal(["default", "meta", "extra"], reopened.ColumnFamilyNames);
        Assert.Equal("1", S(reopened.Get(reopened.GetColumnFamily("meta"), U("format"))));
        Assert.Equal("y", S(reopened.Get(reopened.GetColumnFamily("extra"), U("x"))));
    }

    [Fact]
    public void Pinned_get_and_buffer_get_return_the_value_without_copying_into_new_arrays()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("key"), U("value-123"), sync: false);

        using (var pinned = db.GetPinned(cf, U("key")))
        {
            Assert.True(pinned.Found);
            Assert.Equal("value-123", S(pinned.Value));
        }

        using (var missing = db.GetPinned(cf, U("absent")))
        {
            Assert.False(missing.Found);
            Assert.True(missing.Value.IsEmpty);
        }

        Span<byte> small = stackalloc byte[4];
        Assert.True(db.TryGet(cf, U("key"), small, out var length));
        Assert.Equal(9, length); // did not fit: length reported, nothing copied
        Span<byte> big = stackalloc byte[32];
        Assert.True(db.TryGet(cf, U("key"), big, out length));
        Assert.Equal("value-123", S(big[..length]));
        Assert.False(db.TryGet(cf, U("absent"), big, out length));

        // Served from an SST through the block cache too, not only from the memtable.
        db.Flush(cf);
        using var fromTable = db.GetPinned(cf, U("key"));
        Assert.Equal("value-123", S(fromTable.Value));
    }

    [Fact]
    public void Column_family_of_another_database_is_rejected()
    {
        using var other = new TempDirectory();
        using var db1 = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        using var db2 = RocksDatabase.Open(other.Path, TestOptions, ["cf"]);

        Assert.Throws<ArgumentException>(() => db1.Put(db2.GetColumnFamily("cf"), U("k"), U("v"), sync: false));
        using var batch = new WriteBatch();
        batch.Put(db2.GetColumnFamily("cf"), U("k"), U("v"));
        Assert.Throws<ArgumentException>(() => batch.Put(db1.GetColumnFamily("cf"), U("k"), U("v")));
        Assert.Throws<ArgumentException>(() => db1.Write(batch, sync: false));
    }

    [Fact]
    public void Calls_after_dispose_throw_object_disposed()
    {
        var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Dispose();
        db.Dispose(); // idempotent

        Assert.Throws<ObjectDisposedException>(() => db.Put(cf, U("k"), U("v"), sync: false));
        Assert.Throws<ObjectDisposedException>(() => db.Get(cf, U("k")));
        Assert.Throws<ObjectDisposedException>(() => db.CreateSnapshot());
        Assert.Throws<ObjectDisposedException>(() => db.NewIterator(cf));
    }
}
