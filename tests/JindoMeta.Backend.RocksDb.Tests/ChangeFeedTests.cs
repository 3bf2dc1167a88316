using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;
using static JindoMeta.Backend.RocksDb.Tests.Support.BackendHarness;

namespace JindoMeta.Backend.RocksDb.Tests;

public sealed class ChangeFeedTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_committed_command_gets_the_next_index_and_failed_ones_none()
    {
        await using var backend = Open(_temp.Path);
        await backend.MkdirsAsync("/a");
        var failed = await backend.SubmitAsync(new MkdirsCommand(Callers.Root, "/a", Mode755, CreateParent: false));
        await backend.WriteFileAsync("/a/f", 10); // create + complete

        Assert.False(failed.IsOk);
        var entries = backend.ChangeFeed.Read(1, 100);
        Assert.Equal([1L, 2, 3], entries.Select(e => e.Index));
        Assert.Equal(3, backend.ChangeFeed.LastIndex);
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.TimestampMs <= p.Second.TimestampMs));
        var createRows = entries[1].Rows;
        var fileKey = NamespaceSchema.DentryKey((await backend.GetFileInfoAsync("/a", Callers.Root)).Value.Record.Id, "f");
        Assert.Contains(createRows, r => r.Table == NamespaceSchema.DentriesTable && r.Key.AsSpan().SequenceEqual(fileKey));
        Assert.Contains(createRows, r => r.Table == NamespaceSchema.MetaTable);
    }

    [Fact]
    public async Task Replaying_the_feed_rebuilds_exactly_the_stored_dentries()
    {
        await using (var backend = Open(_temp.Path))
        {
            await backend.MkdirsAsync("/x/y/z");
            await backend.WriteFileAsync("/x/y/f1", 5);
            await backend.WriteFileAsync("/x/f2", 7);
            await backend.SubmitAsync(new RenameCommand(Callers.Root, "/x/y", "/moved", false));
            await backend.SubmitAsync(new DeleteCommand(Callers.Root, "/x", Recursive: true));
            await backend.SubmitAsync(new SetPermissionCommand(Callers.Root, "/moved", 0x1C0));
        }

        // The format rows are not in the feed (the replica starts from a formatted table); seed with them.
        var replica = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var stored = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var database = RocksDatabase.Open(_temp.Path, new RocksDbOptions(), NamespaceSchema.Tables))
        {
            var rootKey = NamespaceSchema.DentryKey(NamespaceSchema.RootParentId, NamespaceSchema.RootName);
            replica[Convert.ToHexString(rootKey)] = Convert.ToHexString(database.Get(database.GetColumnFamily(NamespaceSchema.DentriesTable), rootKey)!);
            using var iterator = database.NewIterator(database.GetColumnFamily(NamespaceSchema.DentriesTable));
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                stored[Convert.ToHexString(iterator.Key)] = Convert.ToHexString(iterator.Value);
            }
        }

        await using var reopened = Open(_temp.Path);
        foreach (var row in reopened.ChangeFeed.Read(1, 1000).SelectMany(e => e.Rows).Where(r => r.Table == NamespaceSchema.DentriesTable))
        {
            if (row.Value is null)
            {
                replica.Remove(Convert.ToHexString(row.Key));
            }
            else
            {
                replica[Convert.ToHexString(row.Key)] = Convert.ToHexString(row.Value);
            }
        }

        Assert.Equal(stored, replica);
    }

    [Fact]
    public async Task Trimmed_entries_are_gone_for_good_and_the_rest_stay_readable()
    {
        await using (var backend = Open(_temp.Path))
        {
            for (var i = 0; i < 10; i++)
            {
                await backend.MkdirsAsync($"/d{i}");
            }

            backend.ChangeFeed.Trim(6);
            Assert.Equal(7, backend.ChangeFeed.FirstIndex);
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.ChangeFeed.Read(6, 10));
        }

        await using var reopened = Open(_temp.Path);
        Assert.Equal(7, reopened.ChangeFeed.FirstIndex);
        Assert.Equal(10, reopened.ChangeFeed.LastIndex);
        Assert.Equal([7L, 8, 9, 10], reopened.ChangeFeed.Read(7, 100).Select(e => e.Index));
        await reopened.MkdirsAsync("/after");
        Assert.Equal(11, reopened.ChangeFeed.LastIndex);
        Assert.Empty(reopened.ChangeFeed.Read(12, 10));
    }
}
