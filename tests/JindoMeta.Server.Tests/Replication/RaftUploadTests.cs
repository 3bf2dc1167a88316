using System.Globalization;
using JindoMeta.Backend.Raft;
using JindoMeta.Replication;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore.Emulator;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>
/// issue 10 on the raft backend: three daemons with namespace.backend.raft.async.ots.enabled; the leader uploads, a
/// new leader resumes from the table's checkpoint, the LEADER line of `-metaStatus` carries `_synced`, and every node's
/// change feed is trimmed only behind the checkpoint.
/// </summary>
public sealed class RaftUploadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Three_raft_daemons_with_upload_on_reach_synced_on_the_leader_line_and_the_replica_equals_the_leaders_store()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using var cluster = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        var leader = await cluster.LeaderIndexAsync();
        using (var client = new RawClient(cluster.Nodes[leader]!.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 40);
        }

        var synced = await WaitForLeaderSyncedAsync(cluster);

        Assert.Equal(cluster.PeerAddress(leader), synced.Nodes.Single(n => n.Role == "LEADER").Address);
        Assert.All(synced.Nodes.Where(n => n.Role != "LEADER"), n => Assert.Equal("", n.Synced)); // only the uploader's line
        Assert.Equal("1", synced.Properties["_synced"]);
        Assert.Equal("RUNNING", synced.Properties["upload.state"]);
        Assert.Equal("0", synced.Properties["upload.lagEntries"]);
        var follower = await cluster.StatusAsync((leader + 1) % 3);
        Assert.Equal(JindoMeta.Server.Hosting.LeaderOnlyUpload.Standby, follower.Properties["upload.state"]);
        var checkpoint = await harness.ReadCheckpointAsync();
        Assert.Matches("^[0-9a-f]{32}\\.t[0-9]+$", checkpoint.StoreId); // the cluster's id, and the leader's term
        Assert.EndsWith($".t{synced.Properties["term"]}", checkpoint.StoreId, StringComparison.Ordinal);
        Assert.Equal(long.Parse(synced.Properties["upload.checkpoint"], CultureInfo.InvariantCulture), checkpoint.Index);
        var verify = await JindoCli.RunAsync(cluster.Nodes[(leader + 1) % 3]!.Address, "jfs", "-verifyReplica"); // asked of a follower: the leader verifies
        Assert.True(verify.ExitCode == 0 && verify.Out.Contains("result=SAME", StringComparison.Ordinal), $"{verify.Out}{verify.Error}");

        var checksums = await cluster.ChecksumsOfQuiescedReplicasAsync(); // every node applied the same ids and trims
        Assert.True(checksums.Distinct().Count() == 1, $"the nodes' states differ: {string.Join(", ", checksums)}");
        var leaderRows = ReplicaHarness.StoreRows(cluster.StateStoreDirectory(leader), RaftNamespaceBackend.TypeName);
        ReplicaHarness.AssertSameRows(leaderRows, await harness.ReplicaRowsAsync());
        var (bySdk, sdkCheckpoint) = await harness.ReplicaRowsByNodeSdkAsync(); // and as an independent reader sees it
        ReplicaHarness.AssertSameRows(leaderRows, bySdk);
        Assert.Equal(checkpoint.Index, sdkCheckpoint);
    }

    [Fact]
    public async Task A_leader_sigkilled_while_uploading_is_followed_by_one_that_resumes_from_the_checkpoint_and_the_replica_ends_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using var cluster = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        var first = await cluster.LeaderIndexAsync();
        long uploadedBefore;
        using (var client = new RawClient(cluster.Nodes[first]!.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/before", files: 20);
            uploadedBefore = Number(await WaitForLeaderSyncedAsync(cluster), "upload.checkpoint");
            // Every Tablestore call takes 200 ms: the leader's uploader is behind (a run is at least two calls) when it is killed.
            harness.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(200) };
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 150);
            Assert.Equal("0", (await ReplicaHarness.StatusAsync(client))["_synced"]);
        }

        await cluster.KillAsync(first);
        var second = await cluster.LeaderIndexAsync();
        using (var client = new RawClient(cluster.Nodes[second]!.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/after", files: 20); // writes go on while the new leader catches up
        }

        harness.Emulator.Faults = FaultOptions.None;
        var synced = await WaitForLeaderSyncedAsync(cluster);

        Assert.Equal(cluster.PeerAddress(second), synced.Nodes.Single(n => n.Role == "LEADER").Address);
        var log = cluster.Nodes[second]!.Output;
        output.WriteLine(string.Join("\n", log.Split('\n').Where(l => l.Contains("Tablestore", StringComparison.Ordinal) || l.Contains("table", StringComparison.Ordinal))));
        Assert.Contains("took table jindometa_test over from this cluster's earlier leadership", log, StringComparison.Ordinal);
        var resumedFrom = System.Text.RegularExpressions.Regex.Match(log, "uploading to Tablestore table jindometa_test from feed index ([0-9]+)");
        Assert.True(resumedFrom.Success, "the new leader should say where it resumes");
        Assert.True(long.Parse(resumedFrom.Groups[1].Value, CultureInfo.InvariantCulture) > uploadedBefore, $"resumed at {resumedFrom.Value}, behind the checkpoint {uploadedBefore} reached before the kill");
        Assert.DoesNotContain("writing the initial snapshot", log, StringComparison.Ordinal); // resumed, not started over
        Assert.Empty(cluster.Nodes[second]!.ErrorLogEntries());
        await cluster.StopNodeAsync(second);
        await cluster.StopNodeAsync(3 - first - second);
        ReplicaHarness.AssertSameRows(
            ReplicaHarness.StoreRows(cluster.StateStoreDirectory(second), RaftNamespaceBackend.TypeName), await harness.ReplicaRowsAsync());
    }

    [Fact]
    public async Task A_second_raft_cluster_on_the_same_table_is_refused_while_the_first_keeps_going()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using var firstCluster = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        using var first = firstCluster.NewClient();
        await first.MkdirsAsync(new Proto.MkdirsRequest { Path = "/t/a", CreateParent = true });
        await WaitForLeaderSyncedAsync(firstCluster);

        await using var secondCluster = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        using (var second = secondCluster.NewClient())
        {
            await second.MkdirsAsync(new Proto.MkdirsRequest { Path = "/intruder" });
        }

        var refused = await secondCluster.WaitForLeaderStatusAsync(s => s.Properties["upload.state"] == "STOPPED", "upload.state=STOPPED", SyncTimeout);
        Assert.Equal("0", refused.Properties["_synced"]);
        Assert.Equal("0", refused.Nodes.Single(n => n.Role == "LEADER").Synced);
        Assert.Contains("is the replica of another cluster", refused.Properties["upload.lastError"], StringComparison.Ordinal);
        var secondLeader = await secondCluster.LeaderIndexAsync();
        Assert.Contains(secondCluster.Nodes[secondLeader]!.ErrorLogEntries(), line => line.Contains("is the replica of another cluster", StringComparison.Ordinal));

        await first.MkdirsAsync(new Proto.MkdirsRequest { Path = "/t/still-uploading" });
        await WaitForLeaderSyncedAsync(firstCluster);
        var firstLeader = await firstCluster.LeaderIndexAsync();
        for (var i = 0; i < 3; i++)
        {
            await firstCluster.StopNodeAsync(i);
        }

        ReplicaHarness.AssertSameRows(
            ReplicaHarness.StoreRows(firstCluster.StateStoreDirectory(firstLeader), RaftNamespaceBackend.TypeName), await harness.ReplicaRowsAsync());
    }

    [Fact]
    public async Task Followers_feeds_are_trimmed_behind_the_checkpoint_and_a_follower_that_takes_over_resumes_from_it()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using var cluster = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        using var client = cluster.NewClient();
        for (var i = 0; i < 60; i++)
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Path = $"/d/{i}", CreateParent = true });
        }

        await WaitForLeaderSyncedAsync(cluster);
        var leader = await cluster.LeaderIndexAsync();
        foreach (var node in Enumerable.Range(0, 3))
        {
            await RaftDaemonCluster.WaitForAsync(async () =>
            {
                var firstKept = Number(await cluster.StatusAsync(node), "changeFeedFirstIndex");
                var checkpoint = (await harness.ReadCheckpointAsync()).Index; // read after: the checkpoint only grows
                Assert.True(firstKept <= checkpoint + 1, $"node {node + 1} trimmed its feed to {firstKept}, past the checkpoint {checkpoint}");
                return firstKept > 1;
            }, $"node {node + 1}'s feed to be trimmed", TimeSpan.FromSeconds(10));
        }

        var successor = (leader + 1) % 3;
        await client.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = cluster.PeerAddress(successor) });
        for (var i = 60; i < 80; i++)
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Path = $"/d/{i}", CreateParent = true });
        }

        var synced = await WaitForLeaderSyncedAsync(cluster);
        Assert.Equal(cluster.PeerAddress(successor), synced.Nodes.Single(n => n.Role == "LEADER").Address);
        var log = cluster.Nodes[successor]!.Output;
        Assert.Contains("took table jindometa_test over from this cluster's earlier leadership", log, StringComparison.Ordinal);
        Assert.DoesNotContain("writing the initial snapshot", log, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            await cluster.StopNodeAsync(i);
        }

        ReplicaHarness.AssertSameRows(
            ReplicaHarness.StoreRows(cluster.StateStoreDirectory(successor), RaftNamespaceBackend.TypeName), await harness.ReplicaRowsAsync());
    }

    [Fact]
    public async Task Raft_upload_without_a_tablestore_setting_is_a_one_line_error_naming_the_raft_key()
    {
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            "-D", "namespace.backend.type=raft", "-D", "namespace.backend.raft.initial-conf=127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0",
            "-D", "namespace.backend.raft.async.ots.enabled=true", "-D", "namespace.ots.endpoint=http://127.0.0.1:9",
            "-D", "namespace.ots.accessKey=id", "-D", "namespace.ots.accessSecret=secret");

        Assert.Equal(2, exitCode);
        Assert.Equal("jindometa: configuration error: namespace.backend.raft.async.ots.enabled = true needs namespace.ots.instance", stderr.Trim());
    }

    /// <summary>Polls `-metaStatus -detail` as `jindo` asks it (the leader's view) until the LEADER line says `_synced=1`.</summary>
    internal static Task<Proto.NamespaceStatus> WaitForLeaderSyncedAsync(RaftDaemonCluster cluster) =>
        cluster.WaitForLeaderStatusAsync(s => s.Nodes.Any(n => n.Role == "LEADER" && n.Synced == "1"), "_synced=1 on the LEADER line", SyncTimeout);

    private static long Number(Proto.NamespaceStatus status, string key) => long.Parse(status.Properties[key], CultureInfo.InvariantCulture);
}
