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
public sealed class RaftClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Hosts = RaftDaemonCluster.Hosts;
    private RaftDaemonCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RaftDaemonCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_write_through_the_client_is_served_by_the_leader_and_followers_redirect_to_it()
    {
        using var client = NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/replicated", CreateParent = true });

        var leader = await LeaderIndexAsync();
        Assert.Equal($"{Hosts[leader]}:{_cluster.ClientPort}", client.PreferredAddress);
        foreach (var follower in Enumerable.Range(0, 3).Where(i => i != leader))
        {
            using var direct = NewClient(Hosts[follower]); // knows only the follower: must be sent on to the leader
            Assert.Equal("/replicated", (await direct.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/replicated" })).Path);
            Assert.Equal($"{Hosts[leader]}:{_cluster.ClientPort}", direct.PreferredAddress);
        }
    }

    [Fact]
    public async Task MetaStatus_lists_the_three_nodes_in_the_seeds_form_with_the_leaders_view_of_each_follower()
    {
        using var client = NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/status", CreateParent = true });
        var leader = await LeaderIndexAsync();

        using var raw = new RawClient(_cluster[leader]!.Address);
        Proto.NamespaceStatus status = null!;
        await WaitForAsync(async () =>
        {
            status = (await raw.MetaStatusAsync(detail: true)).Namespaces[0];
            return status.Nodes.Count(n => n.Role == "FOLLOWER" && n.State == "RUNNING") == 2 && status.Nodes.All(n => n.LastCommittedIndex > 0);
        }, "the leader to report both followers");

        Assert.Equal(Hosts.Select(h => $"{h}:{_cluster.RaftPort}"), status.Nodes.Select(n => n.Address));
        Assert.Equal("LEADER", status.Nodes[leader].Role);
        Assert.Equal(2, status.Properties.Keys.Count(k => k.StartsWith("behind.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Killing_the_leader_under_load_loses_no_acknowledged_write()
    {
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var client = NewClient();
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

        for (var round = 0; round < 3; round++)
        {
            await Task.Delay(1500);
            var leader = await LeaderIndexAsync();
            var before = acknowledged.Count;
            await _cluster.KillNodeAsync(leader);
            await WaitForAsync(() => acknowledged.Count > before + 20, "writes to resume on a new leader after the old one was killed");
            await StartNodeAsync(leader);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        using var reader = NewClient();
        foreach (var path in acknowledged)
        {
            Assert.Equal(path, (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = path })).Path);
        }

        output.WriteLine($"{acknowledged.Count} acknowledged creates present after 3 leader kills");
    }

    /// <summary>The case the rejected library failed: every node SIGKILLed at once, mid-load, again and again.</summary>
    [Fact]
    public async Task Killing_all_three_nodes_at_once_mid_load_loses_no_acknowledged_write()
    {
        var rounds = Math.Max(10, int.Parse(Environment.GetEnvironmentVariable("JINDO_SEEDS") ?? "200", CultureInfo.InvariantCulture) / 20);
        var random = new Random(Environment.TickCount);
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < rounds; round++)
        {
            await LeaderIndexAsync();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                using var client = NewClient();
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
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_cluster.KillNodeAsync));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            await Task.WhenAll(Enumerable.Range(0, 3).Select(StartNodeAsync));
        }

        using var reader = NewClient();
        foreach (var path in acknowledged)
        {
            Assert.Equal(path, (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = path })).Path);
        }

        output.WriteLine($"{acknowledged.Count} acknowledged creates present after {rounds} whole-cluster SIGKILLs");
        Assert.True(acknowledged.Count > rounds * 8, "too few creates were acknowledged for the test to mean anything");
    }

    private JindoMetaClient NewClient(string? only = null) => _cluster.NewClient(only);

    private Task StartNodeAsync(int index) => _cluster.StartNodeAsync(index);

    private Task<int> LeaderIndexAsync() => _cluster.LeaderIndexAsync();

    private static Task WaitForAsync(Func<bool> condition, string what) => RaftDaemonCluster.WaitForAsync(condition, what);

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) => RaftDaemonCluster.WaitForAsync(condition, what);
}
