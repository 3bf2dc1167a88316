using System.Diagnostics;
using JindoMeta.Backend.Ots.Tests.Support;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Ots.Tests.Integration;

/// <summary>
/// A commit too large for the lease row: a recursive delete whose entry exceeds <see cref="CommittedEntry.MaxInlineBytes"/>
/// travels as piece rows, and the table stays readable by the next server.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class OtsLargeCommitTests(ITestOutputHelper output)
{
    private const int Subdirectories = 8;
    private const int FilesPerSubdirectory = 7_000;
    private const int Callers = 64;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_recursive_delete_larger_than_the_lease_row_takes_goes_through_piece_rows_and_the_next_server_reads_the_table()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        var first = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:1", Lease), OtsCalls.Permissions, TimeProvider.System);
        await first.OkAsync(OtsCalls.Mkdirs("/keep"));
        await first.OkAsync(OtsCalls.CreateFile("/keep/a"));
        var files = Enumerable.Range(0, Subdirectories)
            .SelectMany(d => Enumerable.Range(0, FilesPerSubdirectory).Select(i => (Directory: $"/big/s{d}", Name: $"part-{d:D2}-{i:D5}.parquet")))
            .ToList();
        // The premise: the delete's tombstones alone encode to more than a commit carries inline.
        var tombstones = files.Select(f => new LocalRow(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(0, f.Name), null)).ToList();
        var encodedBytes = ChangeFeedCodec.Encode(0, tombstones).Length;
        Assert.True(encodedBytes > CommittedEntry.MaxInlineBytes, $"the delete encodes to {encodedBytes} bytes, not above {CommittedEntry.MaxInlineBytes}");

        var clock = Stopwatch.StartNew();
        for (var d = 0; d < Subdirectories; d++)
        {
            await first.OkAsync(OtsCalls.Mkdirs($"/big/s{d}"));
        }

        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Callers },
            async (file, _) => await first.OkAsync(OtsCalls.CreateFile($"{file.Directory}/{file.Name}")));
        var created = clock.Elapsed;

        clock.Restart();
        await first.OkAsync(OtsCalls.Delete("/big", recursive: true));
        var deleted = clock.Elapsed;
        Assert.False(await first.ExistsAsync("/big"));
        Assert.False(await first.ExistsAsync($"/big/s3/{files[3 * FilesPerSubdirectory].Name}"));

        // Disposed right after the delete: the next server starts from what the table holds.
        clock.Restart();
        await first.DisposeAsync();
        var disposed = clock.Elapsed;
        clock.Restart();
        await using var second = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:2", Lease), OtsCalls.Permissions, TimeProvider.System);
        var reopened = clock.Elapsed;

        Assert.Equal(["keep"], await second.ListNamesAsync("/"));
        Assert.Equal(["a"], await second.ListNamesAsync("/keep"));
        var gone = await second.GetFileInfoAsync("/big/s0", OtsCalls.Root);
        Assert.Equal(ErrorCode.FileNotFound, gone.Error?.Code);
        await second.OkAsync(OtsCalls.Mkdirs("/big/s0"));
        Assert.Empty(await second.ListNamesAsync("/big/s0"));

        // The pieces go once the lease row records their entry written (the second server's first renewals).
        clock.Restart();
        await OtsCalls.WaitUntilAsync(() => PieceRows(second).Count == 0, TimeSpan.FromSeconds(10), "the piece rows of the delete are deleted");
        output.WriteLine($"{files.Count} files ({encodedBytes} bytes of tombstones): created in {created.TotalSeconds:F1} s, deleted in {deleted.TotalSeconds:F1} s, " +
            $"disposed in {disposed.TotalSeconds:F1} s, reopened in {reopened.TotalSeconds:F1} s, pieces gone {clock.Elapsed.TotalSeconds:F1} s later");
    }

    private static List<string> PieceRows(OtsNamespaceBackend backend)
    {
        using var client = new TableStoreClient(OtsTestTables.Emulator.ClientOptions());
        var query = new RangeQuery(backend.Table, ReplicaTable.Key(ReplicaTable.BookkeepingParent, "x"), ReplicaTable.Key(ReplicaTable.BookkeepingParent, "y"));
        return client.GetRangeAsync(query).ToBlockingEnumerable().Select(row => row.PrimaryKey[1].Value.AsString()).ToList();
    }
}
