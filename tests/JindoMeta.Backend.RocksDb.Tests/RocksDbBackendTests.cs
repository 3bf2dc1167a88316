using System.Text.RegularExpressions;
using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;
using static JindoMeta.Backend.RocksDb.Tests.Support.BackendHarness;

namespace JindoMeta.Backend.RocksDb.Tests;

public sealed partial class RocksDbBackendTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_new_store_is_formatted_with_a_root_owned_by_the_superuser()
    {
        await using var backend = Open(_temp.Path);

        var root = await backend.GetFileInfoAsync("/", Callers.Alice);

        AssertOk(root);
        Assert.True(root.Value.Record.IsDirectory);
        Assert.Equal(NamespaceSchema.RootInodeId, root.Value.Record.Id);
        Assert.Equal(("root", "supergroup", (ushort)0x1ED), (root.Value.Record.Owner, root.Value.Record.Group, root.Value.Record.Permission));
        Assert.Equal("LEADER", backend.GetStatus().Role);
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_reopen()
    {
        await using (var backend = Open(_temp.Path))
        {
            await backend.MkdirsAsync("/a/b");
            await backend.WriteFileAsync("/a/b/f", 4096);
            AssertOk(await backend.SubmitAsync(new RenameCommand(Callers.Root, "/a/b", "/c", Overwrite: false)));
        }

        await using var reopened = Open(_temp.Path);
        var file = await reopened.GetFileInfoAsync("/c/f", Callers.Root);
        AssertOk(file);
        Assert.Equal(4096, file.Value.Record.Length);
        Assert.False(file.Value.Record.UnderConstruction);
        AssertError(await reopened.GetFileInfoAsync("/a/b", Callers.Root), ErrorCode.FileNotFound);
        Assert.Equal(["/", "/a", "/c", "/c/f"], (await reopened.WalkAsync()).Select(s => s.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Inode_ids_are_never_reused_across_reopens()
    {
        long firstId;
        await using (var backend = Open(_temp.Path))
        {
            firstId = (await backend.MkdirsAsync("/x")).Record.Id;
            AssertOk(await backend.SubmitAsync(new DeleteCommand(Callers.Root, "/x", Recursive: false)));
        }

        await using var reopened = Open(_temp.Path);
        var second = await reopened.MkdirsAsync("/x");
        Assert.True(second.Record.Id > firstId, $"id {second.Record.Id} reused or went back (first was {firstId})");
    }

    [Fact]
    public async Task Concurrent_commands_share_synced_writes_and_all_get_answers()
    {
        await using var backend = Open(_temp.Path);
        await backend.MkdirsAsync("/load");
        var walBefore = WalCounts(backend);

        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            backend.SubmitAsync(new MkdirsCommand(Callers.Root, $"/load/d{i:D3}", Mode755, CreateParent: false)).AsTask()));

        Assert.All(results, r => AssertOk(r));
        Assert.Equal(400, results.Select(r => r.Value!.Record.Id).Distinct().Count());
        var walAfter = WalCounts(backend);
        var syncs = walAfter.Syncs - walBefore.Syncs;
        var writes = walAfter.Writes - walBefore.Writes;
        Assert.True(syncs > 0 && syncs < 200, $"400 commands took {syncs} WAL syncs for {writes} writes: not group-committed");
        var listing = await backend.ListStatusAsync("/load", null, 1000, Callers.Root);
        Assert.Equal(400, listing.Value.Entries.Count);
    }

    [Fact]
    public async Task A_failed_command_in_a_batch_does_not_disturb_its_neighbours()
    {
        await using var backend = Open(_temp.Path);
        var commands = new NamespaceCommand[]
        {
            new MkdirsCommand(Callers.Root, "/p", Mode755, CreateParent: false),
            new MkdirsCommand(Callers.Root, "/p", Mode755, CreateParent: false), // exists: fails
            new CreateFileCommand(Callers.Root, "/p/f", Mode644, false, false, 3, BlockSize),
            new MkdirsCommand(Callers.Root, "/p/f/g", Mode755, CreateParent: true), // under a file: fails
            new RenameCommand(Callers.Root, "/p/f", "/p/g", Overwrite: false),
        };

        var results = await Task.WhenAll(commands.Select(c => backend.SubmitAsync(c).AsTask()));

        Assert.Equal([true, false, true, false, true], results.Select(r => r.IsOk));
        Assert.Equal(ErrorCode.FileAlreadyExists, results[1].Error!.Code);
        Assert.Equal(ErrorCode.ParentNotDirectory, results[3].Error!.Code);
        Assert.Equal(["/", "/p", "/p/g"], (await backend.WalkAsync()).Select(s => s.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Recovery_mode_loads_rows_serves_reads_refuses_writes_with_25021_and_the_feed_continues_after_the_origin()
    {
        // The rows a replica would hold: a store's own rows, read back.
        List<RowChange> replicaRows;
        await using (var source = Open(_temp.Sub("source")))
        {
            await source.MkdirsAsync("/kept/deep");
            using var snapshot = source.OpenSnapshot();
            replicaRows = [.. snapshot.Rows()];
        }

        await using (var recovering = Open(_temp.Sub("new"), recoveryMode: true))
        {
            Assert.Equal(RecoveryStage.Empty, recovering.RecoveryStage);
            recovering.LoadRows(replicaRows, [1, 2, 3]);
            Assert.Equal(RecoveryStage.Loading, recovering.RecoveryStage);
            Assert.Equal([1, 2, 3], recovering.RecoveryProgress);
            Assert.Equal("RECOVERING", recovering.GetStatus().State);
            Assert.False(recovering.GetStatus().Serving);

            var write = await recovering.SubmitAsync(new MkdirsCommand(Callers.Root, "/new", Mode755, true));
            Assert.Equal(25021, (int)write.Error!.Code);
            Assert.Equal("Namespace is under recovery mode, and is read-only.", write.Error.Message);
            AssertOk(await recovering.GetFileInfoAsync("/kept/deep", Callers.Root));

            recovering.FinishRecovery(new ReplicaOrigin("feedbeef", 57));
            Assert.Equal(RecoveryStage.Finished, recovering.RecoveryStage);
            Assert.Null(recovering.RecoveryProgress);
            Assert.Equal("FINISH", recovering.GetStatus().State);
            Assert.Equal(57, recovering.ChangeFeed.LastIndex);
            Assert.Equal(58, recovering.ChangeFeed.FirstIndex);
            Assert.Equal(25021, (int)(await recovering.SubmitAsync(new MkdirsCommand(Callers.Root, "/new", Mode755, true))).Error!.Code);
        }

        await using var writable = Open(_temp.Sub("new"));
        Assert.Equal(new ReplicaOrigin("feedbeef", 57), writable.RecoveredFrom);
        await writable.MkdirsAsync("/after");
        Assert.Equal(58, Assert.Single(writable.ChangeFeed.Read(58, 10)).Index);
        Assert.Equal(RecoveryStage.Populated, writable.RecoveryStage); // written since: its own metadata now
    }

    [Fact]
    public async Task Recovery_mode_on_a_store_that_holds_metadata_is_refused_with_one_line()
    {
        await using (var backend = Open(_temp.Path))
        {
            await backend.MkdirsAsync("/kept");
        }

        var refused = Assert.Throws<InvalidDataException>(() => Open(_temp.Path, recoveryMode: true));

        Assert.Contains("already holds metadata (last change 1)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        await using var again = Open(_temp.Path); // and the store is untouched
        AssertOk(await again.GetFileInfoAsync("/kept", Callers.Root));
    }

    [Fact]
    public async Task A_listing_pages_through_a_large_directory_in_name_order()
    {
        await using var backend = Open(_temp.Path);
        await backend.MkdirsAsync("/big");
        var names = Enumerable.Range(0, 2500).Select(i => $"n{i * 7919 % 2500:D5}").ToList();
        await Task.WhenAll(names.Select(n => backend.SubmitAsync(new MkdirsCommand(Callers.Root, "/big/" + n, Mode755, false)).AsTask()));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await backend.ListStatusAsync("/big", cursor, 1000, Callers.Root)).Value;
            seen.AddRange(page.Entries.Select(e => e.Name));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
    }

    private static (long Writes, long Syncs) WalCounts(RocksDbNamespaceBackend backend)
    {
        var stats = backend.GetStorageProperty("rocksdb.stats") ?? "";
        var match = WalLine().Match(stats);
        Assert.True(match.Success, "rocksdb.stats has no 'Cumulative WAL' line:\n" + stats);
        return (ParseCount(match.Groups[1].Value), ParseCount(match.Groups[2].Value));
    }

    // RocksDB prints counts like "1234" or "12K".
    private static long ParseCount(string text) =>
        text.EndsWith('K') ? long.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture) * 1000 : long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Cumulative WAL: (\d+K?) writes, (\d+K?) syncs")]
    private static partial Regex WalLine();
}
