using System.Globalization;
using Grpc.Core;
using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Errors;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore.Emulator;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>
/// issue 10, recovery mode on the raft backend, by processes: three daemons started with
/// namespace.backend.raft.recovery.mode on empty data directories; the leader loads the replica through the raft log,
/// a new leader resumes it, every node ends with the same state, read-only (25021) until the seed's step 6 restarts
/// them with upload on and the leader carries on writing the same table.
/// </summary>
public sealed class RaftRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_raft_daemons_recover_a_rocksdb_replica_read_only_on_every_node_then_write_and_upload_to_the_same_table()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var old = await harness.StartDaemonAsync("old");
        string[] views;
        using (var client = new RawClient(old.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 40);
            await ReplicaHarness.WaitForSyncedAsync(client, Timeout);
            views = await ReplicaHarness.TreeViewsAsync(old.Address);
        }

        Assert.Equal(0, await old.TerminateAsync());
        await using var cluster = await new RaftDaemonCluster(extraArguments: harness.RecoverySettings(RaftNamespaceBackend.TypeName)).StartAllAsync();
        await WaitForEveryNodeAsync(cluster, "FINISH");

        for (var i = 0; i < 3; i++)
        {
            using var node = new RawClient(cluster.Nodes[i]!.Address);
            var mkdir = await Assert.ThrowsAsync<RpcException>(() => node.MkdirsAsync("/t/new"));
            Assert.Equal(("25021", NamespaceError.ReadOnlyMessage), (mkdir.Trailers.GetValue("jindo-error-code"), mkdir.Status.Detail));
        }

        Assert.Equal(views, await ReplicaHarness.TreeViewsAsync(cluster.RpcAddress)); // reads are served, through the leader
        // The leader's view of a follower turns FINISH once it learns the follower holds the finish entry (a heartbeat later).
        var metaStatus = await JindoCli.RunAsync(cluster.RpcAddress, "jfs", "-metaStatus", "-detail");
        for (var attempt = 0; attempt < 50 && !metaStatus.Out.Contains("recovered=1/1", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            metaStatus = await JindoCli.RunAsync(cluster.RpcAddress, "jfs", "-metaStatus", "-detail");
        }

        Assert.Contains("recovered=1/1", metaStatus.Out, StringComparison.Ordinal);
        Assert.Equal(3, metaStatus.Out.Split('\n').Count(l => l.Contains(" state=FINISH ", StringComparison.Ordinal)));
        Assert.Contains("recovery.state=FINISH", metaStatus.Out, StringComparison.Ordinal);
        var origin = (await cluster.StatusAsync(0)).Properties["recoveredFrom"];
        var replica = await harness.ReadCheckpointAsync();
        Assert.Equal($"{replica.StoreId}:{replica.Index}", origin);

        var checksums = await cluster.ChecksumsOfQuiescedReplicasAsync();
        Assert.True(checksums.Distinct().Count() == 1, $"the nodes' states differ: {string.Join(", ", checksums)}");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(harness.LocalRows("old"), ReplicaHarness.StoreRows(cluster.StateStoreDirectory(i), RaftNamespaceBackend.TypeName));
        }

        // The seed's step 6: recovery off, upload on. The leader takes the table over where it stands, nothing written again.
        await StartWithUploadAsync(cluster, harness);
        using (var client = cluster.NewClient())
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/t/after-recovery" });
        }

        var synced = await RaftUploadTests.WaitForLeaderSyncedAsync(cluster);
        Assert.Equal((replica.Index + 1).ToString(CultureInfo.InvariantCulture), synced.Properties["upload.checkpoint"]);
        var leader = await cluster.LeaderIndexAsync();
        Assert.Contains("took table jindometa_test over from store", cluster.Nodes[leader]!.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("writing the initial snapshot", cluster.Nodes[leader]!.Output, StringComparison.Ordinal);
        var verify = await JindoCli.RunAsync(cluster.ClientAddress(leader), "jfs", "-verifyReplica", "test");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("result=SAME", verify.Out, StringComparison.Ordinal);

        // A node whose state now holds metadata of its own is refused recovery mode with one line.
        var follower = (leader + 1) % 3;
        await cluster.StopNodeAsync(follower);
        cluster.ExtraArguments = harness.RecoverySettings(RaftNamespaceBackend.TypeName);
        var (exit, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            ["-D", $"namespace.data.dir={cluster.DataDirectory(follower)}", "-D", "namespace.log.dir=", .. cluster.NodeArguments(follower)]);
        Assert.NotEqual(0, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("namespace 'test': Recovery mode rebuilds a namespace into new, empty data directories", line, StringComparison.Ordinal);
        Assert.Contains("already holds metadata", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leader_sigkilled_mid_recovery_of_a_raft_replica_is_followed_by_one_that_resumes_and_every_node_ends_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        SortedDictionary<string, string> sourceRows;
        string sourceStore;
        await using (var source = await new RaftDaemonCluster(extraArguments: harness.UploadSettings(RaftNamespaceBackend.TypeName)).StartAllAsync())
        {
            var sourceLeader = await source.LeaderIndexAsync();
            using (var client = new RawClient(source.Nodes[sourceLeader]!.Address))
            {
                await ReplicaHarness.BuildTreeAsync(client, "/t", files: 150);
                await ReplicaHarness.BuildTreeAsync(client, "/u", files: 150);
            }

            await RaftUploadTests.WaitForLeaderSyncedAsync(source);
            for (var i = 0; i < 3; i++)
            {
                await source.StopNodeAsync(i);
            }

            sourceRows = ReplicaHarness.StoreRows(source.StateStoreDirectory(sourceLeader), RaftNamespaceBackend.TypeName);
            sourceStore = (await harness.ReadCheckpointAsync()).StoreId; // the source leader's id: cluster id and term
        }

        // Every Tablestore call takes 300 ms, so the leader is killed with some ranges loaded and others not. A snapshot
        // every 2 entries (no log kept behind it) makes the killed node rejoin by snapshot.
        harness.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(300) };
        await using var cluster = await new RaftDaemonCluster(extraArguments:
        [
            .. harness.RecoverySettings(RaftNamespaceBackend.TypeName),
            "-D", "namespace.backend.raft.snapshot.interval-entries=2", "-D", "namespace.backend.raft.snapshot.compaction-margin-entries=0",
        ]).StartAllAsync();
        var first = await cluster.LeaderIndexAsync();
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            var status = await cluster.StatusAsync(first); // LOADING: the recovery runs on this node, so it still leads
            return status.Properties["recovery.state"] == "LOADING" && long.Parse(status.Properties["recovery.rows"], CultureInfo.InvariantCulture) > 1 &&
                status.Properties["recovery.rangesLeft"] != "0";
        }, "the leader to load some ranges and not all", Timeout);
        await cluster.KillAsync(first);
        harness.Emulator.Faults = FaultOptions.None;

        var second = await cluster.LeaderIndexAsync();
        await RaftDaemonCluster.WaitForAsync(async () => (await cluster.StatusAsync(second)).Nodes.Single(n => n.Address == cluster.PeerAddress(second)).State == "FINISH",
            "the new leader's state=FINISH", Timeout);
        var log = cluster.Nodes[second]!.Output;
        output.WriteLine(string.Join("\n", log.Split('\n').Where(l => l.Contains("recover", StringComparison.OrdinalIgnoreCase))));
        Assert.Contains("resuming the recovery from table jindometa_test", log, StringComparison.Ordinal);
        Assert.Empty(cluster.Nodes[second]!.ErrorLogEntries());
        await cluster.StartNodeAsync(first);
        await WaitForEveryNodeAsync(cluster, "FINISH");
        Assert.Equal("1", (await cluster.StatusAsync(first)).Properties["snapshotsRestored"]); // it lagged behind a compaction

        var checksums = await cluster.ChecksumsOfQuiescedReplicasAsync();
        Assert.True(checksums.Distinct().Count() == 1, $"the nodes' states differ: {string.Join(", ", checksums)}");
        for (var i = 0; i < 3; i++)
        {
            ReplicaHarness.AssertSameRows(sourceRows, ReplicaHarness.StoreRows(cluster.StateStoreDirectory(i), RaftNamespaceBackend.TypeName));
        }

        // Step 6 from a raft replica: the table names the source leader's store ("ID.tT"), which this cluster was recovered from.
        await StartWithUploadAsync(cluster, harness);
        using (var client = cluster.NewClient())
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/t/after-recovery" });
        }

        await RaftUploadTests.WaitForLeaderSyncedAsync(cluster);
        var leader = await cluster.LeaderIndexAsync();
        Assert.Contains($"took table jindometa_test over from store {sourceStore}", cluster.Nodes[leader]!.Output, StringComparison.Ordinal);
        var recoveredFrom = (await cluster.StatusAsync(leader)).Properties["recoveredFrom"];
        Assert.Equal(sourceStore, recoveredFrom[..recoveredFrom.LastIndexOf(':')]);
    }

    /// <summary>Restarts the three nodes with recovery off and upload on (the seed's step 6).</summary>
    private static async Task StartWithUploadAsync(RaftDaemonCluster cluster, ReplicaHarness harness)
    {
        for (var i = 0; i < 3; i++)
        {
            if (cluster.Nodes[i] is not null)
            {
                await cluster.StopNodeAsync(i);
            }
        }

        cluster.ExtraArguments = harness.UploadSettings(RaftNamespaceBackend.TypeName);
        await cluster.StartAllAsync();
    }

    /// <summary>Waits until every node's own line says <paramref name="state"/> (its replicated state, read on that node).</summary>
    private static Task WaitForEveryNodeAsync(RaftDaemonCluster cluster, string state) =>
        RaftDaemonCluster.WaitForAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var status = await cluster.StatusAsync(i);
                if (status.Nodes.Single(n => n.Address == cluster.PeerAddress(i)).State != state)
                {
                    return false;
                }
            }

            return true;
        }, $"state={state} on every node", Timeout);
}
