using JindoMeta.Backend.Ots.Tests.Support;

namespace JindoMeta.Backend.Ots.Tests.Integration;

/// <summary>
/// The active's cache: a small directory listed once is kept whole, so listing it again and stating its children
/// costs no Tablestore call, and the active's own changes keep that copy exact.
/// </summary>
public sealed class OtsCacheTests
{
    // No renewal (every quarter of the lease) falls inside a measured window of a test that lasts a few seconds.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly string[] Children = [.. Enumerable.Range(0, 20).Select(i => $"f{i:D2}")];

    [Fact]
    public async Task A_small_directory_listed_once_is_listed_and_stated_again_without_a_Tablestore_call_and_shows_the_active_s_own_changes()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        var writer = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:1", Lease), OtsCalls.Permissions, TimeProvider.System);
        await writer.OkAsync(OtsCalls.Mkdirs("/small"));
        await writer.OkAsync(OtsCalls.Mkdirs("/other"));
        foreach (var name in Children)
        {
            await writer.OkAsync(OtsCalls.CreateFile($"/small/{name}"));
        }

        await writer.DisposeAsync();
        // A second server starts with an empty cache: its first listing reads the table.
        await using var backend = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:2", Lease), OtsCalls.Permissions, TimeProvider.System);
        await backend.WaitUntilAppliedAsync();
        var beforeFirst = backend.TableStoreRequests;
        Assert.Equal(Children, await backend.ListNamesAsync("/small"));
        Assert.True(backend.TableStoreRequests > beforeFirst, "the first listing should have read the table");

        var expected = Children.ToList();
        await AssertServedFromCacheAsync(backend, expected);

        await backend.OkAsync(OtsCalls.CreateFile("/small/g-new"));
        await backend.OkAsync(OtsCalls.Delete("/small/f03", recursive: false));
        await backend.OkAsync(OtsCalls.Rename("/small/f07", "/other/f07"));
        await backend.OkAsync(OtsCalls.Rename("/other/f07", "/small/f07-back"));
        expected.Add("g-new");
        expected.Remove("f03");
        expected.Remove("f07");
        expected.Add("f07-back");
        expected.Sort(StringComparer.Ordinal);
        await backend.WaitUntilAppliedAsync(); // the applier's writes are Tablestore calls too
        await AssertServedFromCacheAsync(backend, expected);
        Assert.False(await backend.ExistsAsync("/small/f03"));
    }

    /// <summary>Lists the directory and states each child: the answers are exact and no Tablestore call is made.</summary>
    private static async Task AssertServedFromCacheAsync(OtsNamespaceBackend backend, IReadOnlyList<string> expected)
    {
        var before = backend.TableStoreRequests;
        Assert.Equal(expected, await backend.ListNamesAsync("/small"));
        Assert.Equal(expected, await backend.ListNamesAsync("/small", pageSize: 7));
        foreach (var name in expected)
        {
            Assert.True(await backend.ExistsAsync($"/small/{name}"), $"/small/{name} should exist");
        }

        Assert.True(await backend.ExistsAsync("/small"));
        Assert.Equal(before, backend.TableStoreRequests);
    }
}
