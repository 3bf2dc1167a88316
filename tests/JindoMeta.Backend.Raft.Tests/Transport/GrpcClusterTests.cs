using System.Diagnostics;
using System.Globalization;
using JindoMeta.Raft;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Three raft drivers that talk only through the gRPC transport on loopback addresses.</summary>
public sealed class GrpcClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_elect_a_leader_and_apply_2000_proposals_in_the_same_order()
    {
        await using var cluster = await GrpcRaftCluster.StartAsync(output);
        await cluster.WaitForLeaderAsync();

        var clock = Stopwatch.StartNew();
        await cluster.ProposeAllAsync("p", 2000);
        var proposed = clock.Elapsed;
        await WaitForIdenticalLogsAsync(cluster, "p", 2000);

        var sent = cluster.Nodes.SelectMany(node => GrpcRaftCluster.Voters.Where(id => id != node.Id).Select(id => node.Transport.GetStatistics(id))).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"2000 proposals committed in {proposed.TotalMilliseconds:F0} ms ({2000 / proposed.TotalSeconds:F0}/s); peer messages sent {sent.Sum(s => s.SentMessages)} in {sent.Sum(s => s.SentBatches)} batches ({sent.Sum(s => s.SentMessages) / proposed.TotalSeconds:F0} messages/s), dropped {sent.Sum(s => s.DroppedMessages)}"));
    }

    [Fact]
    public async Task Follower_whose_listener_stops_misses_writes_and_catches_up_after_restart_on_the_same_port()
    {
        await using var cluster = await GrpcRaftCluster.StartAsync(output);
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.ProposeAllAsync("before", 100);
        var follower = cluster.Nodes.First(node => node.Id != leader.Id);
        var leaderMachine = cluster[leader.Id].Machine;
        await Loopback.WaitUntilAsync(() => follower.Machine.Count >= 100 && follower.Machine.Count == leaderMachine.Count, "the follower applied the first writes");
        var appliedBeforeStop = follower.Machine.Count;

        await follower.StopHostAsync();
        await cluster.ProposeAllAsync("during", 300);
        var other = cluster.Nodes.Single(node => node.Id != leader.Id && node.Id != follower.Id);
        await Loopback.WaitUntilAsync(() => other.Machine.Count >= appliedBeforeStop + 300, "the remaining follower applied the writes made without the stopped one");
        Assert.Equal(appliedBeforeStop, follower.Machine.Count);

        await follower.StartHostAsync();
        await WaitForIdenticalLogsAsync(cluster, "during", 300);
        Assert.True(cluster.Nodes.Single(node => node.Id == leader.Id).Transport.GetStatistics(follower.Id).StreamFailures > 0, "the leader's stream to the stopped follower failed and was reopened");
    }

    [Fact]
    public async Task Follower_that_missed_a_compacted_stretch_of_log_catches_up_by_a_chunked_snapshot()
    {
        // Snapshot every 200 entries, keep 10 behind it, 512-byte chunks: the leader's log soon starts past the cut-off
        // follower's, and the ~5 KB snapshot travels in about ten chunks. The follower is cut off by the fault hook
        // rather than by stopping its listener: appends queued for a stopped listener may still arrive when it
        // restarts (raft allows that), and the follower would then catch up without the snapshot this test is about.
        await using var cluster = await GrpcRaftCluster.StartAsync(output, new GrpcRaftClusterOptions { SnapshotEveryEntries = 200, CompactionMargin = 10, MaxSnapshotChunkBytes = 512 });
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.ProposeAllAsync("before", 50);
        var follower = cluster.Nodes.First(node => node.Id != leader.Id);
        var leaderNode = cluster[leader.Id];
        await Loopback.WaitUntilAsync(() => follower.Machine.Count >= 50 && follower.Machine.Count == leaderNode.Machine.Count, "the follower applied the first writes");
        var followerLastIndex = follower.Store.LastIndex;

        cluster.Faults.Isolate(follower.Id);
        await cluster.ProposeAllAsync("during", 600);
        await Loopback.WaitUntilAsync(() => leaderNode.Store.FirstIndex > followerLastIndex + 1, "the leader compacted the entries the follower lacks");
        cluster.Faults.Heal();

        await WaitForIdenticalLogsAsync(cluster, "during", 600);
        Assert.True(follower.Machine.Restores > 0, "the follower installed a snapshot from the leader");
    }

    [Fact]
    public async Task Partitioned_leader_is_replaced_by_one_of_the_other_two_and_rejoins_as_follower_after_healing()
    {
        await using var cluster = await GrpcRaftCluster.StartAsync(output);
        var oldLeader = await cluster.WaitForLeaderAsync();
        var oldTerm = oldLeader.Summary.Term;
        await cluster.ProposeAllAsync("before", 50);

        cluster.Faults.Isolate(oldLeader.Id);
        var newLeader = await cluster.WaitForLeaderAsync(driver => driver.Id != oldLeader.Id && driver.Summary.Term > oldTerm);
        await cluster.ProposeAllAsync("during", 50);
        Assert.True(cluster[oldLeader.Id].Transport.FaultDroppedMessages > 0, "the fault hook dropped the isolated leader's messages");

        cluster.Faults.Heal();
        await Loopback.WaitUntilAsync(() => oldLeader.Summary.Role == RaftRole.Follower && oldLeader.Summary.Term >= newLeader.Summary.Term, "the old leader follows the new term");
        await WaitForIdenticalLogsAsync(cluster, "during", 50);
    }

    /// <summary>Waits until all three nodes applied the same sequence, containing every <c>{prefix}{i}</c>.</summary>
    private static async Task WaitForIdenticalLogsAsync(GrpcRaftCluster cluster, string prefix, int count)
    {
        var expected = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}")).ToHashSet(StringComparer.Ordinal);
        bool Complete(GrpcRaftCluster.GrpcRaftNode node) => expected.IsSubsetOf(node.Machine.Applied());
        await Loopback.WaitUntilAsync(() => cluster.Nodes.All(Complete), $"every node applied all {count} '{prefix}' proposals", timeoutSeconds: 120);
        await Loopback.WaitUntilAsync(() => cluster.Nodes.Select(node => node.Machine.Count).Distinct().Count() == 1, "every node applied the same number of entries");

        var sequences = cluster.Nodes.Select(node => node.Machine.Applied()).ToList();
        Assert.All(sequences, sequence => Assert.Equal(sequences[0], sequence));
    }
}
