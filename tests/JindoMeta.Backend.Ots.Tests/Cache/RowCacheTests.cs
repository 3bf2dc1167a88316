using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots.Tests.Cache;

/// <summary>
/// The interleavings of the row cache that the backend's tests cannot force: a listing's page read racing the
/// applier's write of a row the listing did not see committed.
/// </summary>
public sealed class RowCacheTests
{
    private const long Directory = 1000;

    [Fact]
    public void A_listing_whose_page_missed_a_row_written_before_it_took_the_dirty_rows_does_not_cache_the_directory_without_it()
    {
        var cache = new RowCache(capacity: 10_000);
        cache.Committed(1, [Dentry("x", 1001)]);

        // The listing: its mark, then its page, read before the applier's write of x landed (so x is not in it)...
        var mark = cache.Mark();
        IReadOnlyList<(string Name, InodeRecord? Record, long Index)> page = [];
        // ...then the write lands and the applier marks x written, before the listing hands its page in.
        cache.Applied([(Directory, "x", 1)]);
        cache.FetchedWhole(Directory, page, mark);

        if (cache.TryListWhole(Directory, null, out var children))
        {
            Assert.Equal(["x"], children.Select(c => c.Key));
        }
    }

    [Fact]
    public void A_listing_that_no_commit_or_write_overlapped_caches_the_directory_with_its_committed_rows()
    {
        var cache = new RowCache(capacity: 10_000);
        cache.Committed(1, [Dentry("new", 1001)]);
        var mark = cache.Mark();
        cache.FetchedWhole(Directory, [("old", File(1002), 0)], mark);

        Assert.True(cache.TryListWhole(Directory, null, out var children));
        Assert.Equal(["new", "old"], children.Select(c => c.Key));
    }

    private static LocalRow Dentry(string name, long id) =>
        new(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(Directory, name), InodeRecordCodec.Encode(File(id)));

    private static InodeRecord File(long id) => new()
    {
        Id = id,
        Type = InodeType.File,
        Permission = 0b110_100_100,
        Owner = "root",
        Group = "supergroup",
        ModificationTime = 1,
        AccessTime = 1,
    };
}
