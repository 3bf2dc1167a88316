using System.Collections.Concurrent;
using System.Globalization;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// Three real daemons with namespace.backend.type = raft on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (each on the same
/// client and raft ports, as three hosts would be), driven through the real client with the rpc-address list.
/// </summary>
public sealed partial class RaftClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Hosts = RaftDaemonCluster.Hosts;
    private readonly RaftDaemonCluster _cluster = new();

    /// <summary>JINDO_SEEDS scales the kill tests: the CI default (200) gives 20 leader kills and 10 whole-cluster kills.</summary>
    private static int Seeds => int.Parse(Environment.GetEnvironmentVariable("JINDO_SEEDS") ?? "200", CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => await _cluster.StartAllAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_write_through_the_client_is_served_by_the_leader_and_followers_redirect_to_it()
    {
        using var client = _cluster.NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/replicated", CreateParent = true });

        var leader = await _cluster.LeaderIndexAsync();
        Assert.Equal(_cluster.ClientAddress(leader), client.PreferredAddress);
        // Blocks default to a directory inside each node's data directory: every node says so at start.
        Assert.Contains(RaftDataTests.PrivateBlocksWarning, _cluster.Nodes[leader]!.Output, StringComparison.Ordinal);
        foreach (var follower in Enumerable.Range(0, 3).Where(i => i != leader))
        {
            using var direct = _cluster.NewClient(Hosts[follower]); // knows only the follower: must be sent on to the leader
            Assert.Equal("/replicated", (await direct.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/replicated" })).Path);
            Assert.Equal(_cluster.ClientAddress(leader), direct.PreferredAddress);
        }
    }

    [Fact]
    public async Task MetaStatus_lists_the_three_nodes_in_the_seeds_form_with_the_leaders_view_of_each_follower()
    {
        using var client = _cluster.NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/status", CreateParent = true });
        var leader = await _cluster.LeaderIndexAsync();

        using var raw = new RawClient(_cluster.Nodes[leader]!.Address);
        Proto.NamespaceStatus status = null!;
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            status = (await raw.MetaStatusAsync(detail: true)).Namespaces[0];
            return status.Nodes.Count(n => n.Role == "FOLLOWER" && n.State == "RUNNING") == 2 && status.Nodes.All(n => n.LastCommittedIndex > 0);
        }, "the leader to report both followers");

        Assert.Equal(Enumerable.Range(0, 3).Select(_cluster.PeerAddress), status.Nodes.Select(n => n.Address));
        Assert.Equal("LEADER", status.Nodes[leader].Role);
        Assert.Equal(2, status.Properties.Keys.Count(k => k.StartsWith("behind.", StringComparison.Ordinal)));
        Assert.Equal("", status.LeaderAddress);

        // A follower names the leader; the client (and so `jindo jfs -metaStatus`) then shows the leader's view.
        var follower = (leader + 1) % 3;
        using var rawFollower = new RawClient(_cluster.Nodes[follower]!.Address);
        var followerView = (await rawFollower.MetaStatusAsync(detail: true)).Namespaces[0];
        Assert.Equal(_cluster.ClientAddress(leader), followerView.LeaderAddress);
        using var viaFollower = _cluster.NewClient(Hosts[follower]);
        var merged = (await viaFollower.MetaStatusFromLeadersAsync(new Proto.MetaStatusRequest { Detail = true })).Namespaces[0];
        Assert.Equal(2, merged.Nodes.Count(n => n.Role == "FOLLOWER" && n.State == "RUNNING"));
        Assert.Equal(_cluster.PeerAddress(leader), merged.Properties["node"]);
    }

    [Fact]
    public async Task Leadership_moves_to_the_named_member_when_asked_through_any_node_and_writes_follow_it()
    {
        var leader = await _cluster.LeaderIndexAsync();
        var target = (leader + 1) % 3;
        var bystander = (leader + 2) % 3;
        using var viaBystander = _cluster.NewClient(Hosts[bystander]); // neither leader nor target: its core forwards the request
        var moved = await viaBystander.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = _cluster.PeerAddress(target) });

        Assert.Equal(_cluster.PeerAddress(target), moved.Leader);
        Assert.Equal(target, await _cluster.LeaderIndexAsync());
        using var client = _cluster.NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/after-transfer", CreateParent = true });
        Assert.Equal(_cluster.ClientAddress(target), client.PreferredAddress);

        var again = await client.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = _cluster.PeerAddress(target) });
        Assert.Equal(moved.Term, again.Term); // already the leader: answered at once, no new election

        var stranger = await Assert.ThrowsAsync<JindoMetaException>(() =>
            client.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = "127.0.0.9:8103" }));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, stranger.StatusCode);
        Assert.Contains("127.0.0.9:8103 is not a member of namespace.backend.raft.initial-conf", stranger.ServerMessage, StringComparison.Ordinal);

        using var alice = _cluster.NewClient(user: "alice");
        var denied = await Assert.ThrowsAsync<JindoMetaException>(() =>
            alice.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = _cluster.PeerAddress(leader) }));
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(target, await _cluster.LeaderIndexAsync());
    }

    [Fact]
    public async Task Killing_the_leader_under_load_again_and_again_loses_no_acknowledged_write_and_leaves_identical_replicas()
    {
        var kills = Math.Max(20, Seeds / 10);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var client = _cluster.NewClient();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var path = $"/w{w}/f{i}";
                try
                {
                    await client.CreateAsync(new Proto.CreateRequest { Path = path, CreateParent = true });
                    acknowledged.Add(path);
                }
                catch (JindoMetaException)
                {
                    // a create whose reply was lost in the failover: its outcome is unknown, so it is not counted
                }
            }
        })).ToArray();

        for (var kill = 0; kill < kills; kill++)
        {
            await Task.Delay(500);
            var leader = await _cluster.LeaderIndexAsync();
            var before = acknowledged.Count;
            await _cluster.KillAsync(leader);
            await RaftDaemonCluster.WaitForAsync(() => acknowledged.Count > before + 20, "writes to resume on a new leader after the old one was killed");
            await _cluster.StartNodeAsync(leader);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        using (var reader = _cluster.NewClient())
        {
            foreach (var path in acknowledged)
            {
                Assert.Equal(path, (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = path })).Path);
            }
        }

        var checksums = await _cluster.ChecksumsOfQuiescedReplicasAsync();
        Assert.True(checksums.Distinct().Count() == 1, $"replicas differ: {string.Join(", ", checksums)}");
        output.WriteLine($"{acknowledged.Count} acknowledged creates present after {kills} leader kills; replicas {checksums[0]}");
    }

    /// <summary>The case the rejected library failed: every node SIGKILLed at once, mid-load, again and again.</summary>
    [Fact]
    public async Task Killing_all_three_nodes_at_once_mid_load_loses_no_acknowledged_write_and_leaves_identical_replicas()
    {
        var rounds = Math.Max(10, Seeds / 20);
        var random = new Random(Environment.TickCount);
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < rounds; round++)
        {
            await _cluster.LeaderIndexAsync();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                using var client = _cluster.NewClient();
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var path = $"/r{round}/w{w}/f{i}";
                    try
                    {
                        await client.CreateAsync(new Proto.CreateRequest { Path = path, CreateParent = true }, stop.Token);
                        acknowledged.Add(path);
                    }
                    catch (Exception e) when (e is JindoMetaException || (e is OperationCanceledException && stop.IsCancellationRequested))
                    {
                        // cut off by the kill, or cancelled by the test while backing off: outcome unknown, not counted
                    }
                }
            })).ToArray();
            await Task.Delay(random.Next(200, 800));
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_cluster.KillAsync));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            await _cluster.StartAllAsync();
        }

        using (var reader = _cluster.NewClient())
        {
            foreach (var path in acknowledged)
            {
                Assert.Equal(path, (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = path })).Path);
            }
        }

        var checksums = await _cluster.ChecksumsOfQuiescedReplicasAsync();
        Assert.True(checksums.Distinct().Count() == 1, $"replicas differ: {string.Join(", ", checksums)}");
        output.WriteLine($"{acknowledged.Count} acknowledged creates present after {rounds} whole-cluster SIGKILLs; replicas {checksums[0]}");
        Assert.True(acknowledged.Count > rounds * 8, "too few creates were acknowledged for the test to mean anything");
    }
}
