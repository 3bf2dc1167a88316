using JindoMeta.Replication;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>`jindo jfs -verifyReplica`: the same replica says SAME while writes go on; a damaged one names its rows.</summary>
public sealed class VerifyReplicaTests
{
    [Fact]
    public async Task Verify_says_same_under_writes_and_names_the_missing_extra_and_different_rows_of_a_damaged_replica()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var daemon = await harness.StartDaemonAsync("data");
        using var client = new RawClient(daemon.Address);
        await ReplicaHarness.BuildTreeAsync(client, "/t", files: 30);

        // While writers keep going: the uploader holds at one index for the comparison and then catches up.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await client.MkdirsAsync($"/busy/d{i}");
            }
        });
        var same = await JindoCli.RunAsync(daemon.Address, "jfs", "-verifyReplica");
        await stop.CancelAsync();
        await writer;
        Assert.True(same.ExitCode == 0, $"{same.Out}{same.Error}");
        Assert.Matches(@"^namespace=test table=jindometa_test index=\d+ rows=(\d+) replicaRows=\1 checksum=([0-9a-f]{16}) replicaChecksum=\2 result=SAME\n$", same.Out);
        await ReplicaHarness.WaitForSyncedAsync(client, TimeSpan.FromSeconds(20));

        // Damage the table behind the uploader's back: one row gone, one changed, one added.
        var rows = await AllRowsAsync(harness);
        var moved = rows.Single(r => r.PrimaryKey[1].Value.AsString() == "moved");
        var f5 = rows.Single(r => r.PrimaryKey[1].Value.AsString() == "f5");
        var directoryOfF5 = f5.PrimaryKey[0].Value.AsInteger();
        await harness.Client.DeleteRowAsync(ReplicaHarness.Table, moved.PrimaryKey);
        await harness.Client.PutRowAsync(ReplicaHarness.Table, f5.PrimaryKey, [new Column(ReplicaTable.ValueColumn, new byte[] { 1, 2, 3 })]);
        await harness.Client.PutRowAsync(ReplicaHarness.Table, ReplicaTable.Key(directoryOfF5, "ghost"), [new Column(ReplicaTable.ValueColumn, new byte[] { 4 })]);

        var damaged = await JindoCli.RunAsync(daemon.Address, "jfs", "-verifyReplica", "test");

        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("result=DIFFERENT differences=3", damaged.Out, StringComparison.Ordinal);
        Assert.Contains("  missing /t/keep/moved\n", damaged.Out, StringComparison.Ordinal);
        Assert.Contains("  different /t/a/b/f5\n", damaged.Out, StringComparison.Ordinal);
        Assert.Contains("  extra /t/a/b/ghost\n", damaged.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_without_a_replica_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        await using var daemon = await DaemonProcess.StartAsync(temp.Sub("data"));

        var result = await JindoCli.RunAsync(daemon.Address, "jfs", "-verifyReplica");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("verifyReplica: namespace test has no replica here to verify", line, StringComparison.Ordinal);
    }

    private static async Task<List<Row>> AllRowsAsync(ReplicaHarness harness)
    {
        var rows = new List<Row>();
        var all = new RangeQuery(ReplicaHarness.Table, ReplicaTable.FirstKey(ReplicaTable.MetaParent), ReplicaTable.FirstKey(long.MaxValue));
        await foreach (var row in harness.Client.GetRangeAsync(all))
        {
            rows.Add(row);
        }

        return rows;
    }
}
