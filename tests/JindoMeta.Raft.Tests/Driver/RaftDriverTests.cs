using System.Text;

namespace JindoMeta.Raft.Tests.Driver;

public sealed class RaftDriverTests
{
    private static byte[] Set(string key, string value) => Encoding.UTF8.GetBytes($"{key}={value}");

    [Fact]
    public async Task Proposal_completes_with_the_state_machine_result_once_applied_everywhere()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();

        var result = await leader.ProposeAsync(Set("x", "1"));

        Assert.IsType<ulong>(result);
        Assert.Equal("1", cluster.StateMachines[leader.Id].Get("x"));
        await DriverCluster.WaitUntilAsync(() => cluster.StateMachines.Values.All(sm => sm.Get("x") == "1"), "every node applied x=1");
    }

    [Fact]
    public async Task Follower_refuses_proposals_naming_the_leader()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster[leader.Id == 1 ? 2ul : 1ul];
        await DriverCluster.WaitUntilAsync(() => follower.Summary.Leader == leader.Id, "the follower knows the leader");

        var error = await Assert.ThrowsAsync<RaftNotLeaderException>(() => follower.ProposeAsync(Set("x", "1")));

        Assert.Equal(leader.Id, error.LeaderId);
    }

    [Fact]
    public async Task Concurrent_proposals_are_batched_and_each_gets_its_own_result()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        var persistsBefore = cluster.Stores[leader.Id].Persists;

        var tasks = Enumerable.Range(0, 300).Select(i => leader.ProposeAsync(Set($"k{i}", $"{i}"))).ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(300, results.Select(r => (ulong)r!).Distinct().Count());
        Assert.Equal(results.Select(r => (ulong)r!).Order(), results.Select(r => (ulong)r!));
        var persists = cluster.Stores[leader.Id].Persists - persistsBefore;
        Assert.True(persists < 150, $"300 proposals took {persists} persist calls: not batched");
    }

    [Fact]
    public async Task Read_index_on_a_follower_observes_a_completed_write()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        var followerId = leader.Id == 1 ? 2ul : 1ul;
        await DriverCluster.WaitUntilAsync(() => cluster[followerId].Summary.Leader == leader.Id, "the follower knows the leader");

        await leader.ProposeAsync(Set("r", "written"));
        var readIndex = await cluster[followerId].ReadIndexAsync();

        Assert.True(readIndex >= 2);
        Assert.Equal("written", cluster.StateMachines[followerId].Get("r"));
    }

    [Fact]
    public async Task Leader_cut_off_from_its_quorum_fails_pending_proposals_as_outcome_unknown()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        cluster.Isolate(leader.Id);

        var pending = leader.ProposeAsync(Set("lost", "1"));

        await Assert.ThrowsAsync<RaftLeadershipLostException>(() => pending);
        var newLeader = await cluster.WaitForLeaderAsync(except: leader.Id);
        Assert.NotEqual(leader.Id, newLeader.Id);
    }

    [Fact]
    public async Task Leadership_transfer_hands_over_to_the_target()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        await leader.ProposeAsync(Set("t", "1"));
        var target = leader.Id == 3 ? 1ul : 3ul;

        leader.TransferLeadership(target);

        await DriverCluster.WaitUntilAsync(() => cluster[target].Summary.Role == RaftRole.Leader, $"node {target} leads");
        Assert.NotEqual(RaftRole.Leader, leader.Summary.Role);
    }

    [Fact]
    public async Task Node_restarted_with_empty_storage_catches_up_from_a_snapshot()
    {
        await using var cluster = new DriverCluster(snapshotEvery: 20);
        var leader = await cluster.WaitForLeaderAsync();
        var lagging = leader.Id == 3 ? 1ul : 3ul;
        await cluster.StopAsync(lagging);
        for (var i = 0; i < 100; i++)
        {
            await leader.ProposeAsync(Set($"s{i % 10}", $"{i}"));
        }

        Assert.True(cluster.Stores[leader.Id].FirstIndex > 20, "the leader compacted its log");
        cluster.Start(lagging, freshStorage: true);

        await DriverCluster.WaitUntilAsync(() => cluster.StateMachines[lagging].Get("s9") == "99", "the restarted node caught up");
        Assert.True(cluster.Stores[lagging].Inner.Snapshot(out var snapshot) == StorageStatus.Ok && snapshot.Index > 0, "caught up through a snapshot");
    }

    [Fact]
    public async Task Storage_failure_stops_the_node_and_fails_its_requests()
    {
        await using var cluster = new DriverCluster();
        var leader = await cluster.WaitForLeaderAsync();
        cluster.Stores[leader.Id].Fail = true;

        var error = await Assert.ThrowsAnyAsync<RaftException>(() => leader.ProposeAsync(Set("x", "1")));

        Assert.Contains("simulated disk failure", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => leader.Completion);
    }
}
