using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
    private static readonly string[] Hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    private readonly TempDirectory _temp = new();
    private readonly DaemonProcess?[] _nodes = new DaemonProcess?[3];
    private int _clientPort;
    private int _raftPort;

    private string RpcAddress => string.Join(",", Hosts.Select(h => $"{h}:{_clientPort}"));

    public async Task InitializeAsync()
    {
        (_clientPort, _raftPort) = (FreePortOnEveryHost(), FreePortOnEveryHost());
        await Task.WhenAll(Enumerable.Range(0, 3).Select(StartNodeAsync));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task A_write_through_the_client_is_served_by_the_leader_and_followers_redirect_to_it()
    {
        using var client = NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/replicated", CreateParent = true });

        var leader = await LeaderIndexAsync();
        Assert.Equal($"{Hosts[leader]}:{_clientPort}", client.PreferredAddress);
        foreach (var follower in Enumerable.Range(0, 3).Where(i => i != leader))
        {
            using var direct = NewClient(Hosts[follower]); // knows only the follower: must be sent on to the leader
            Assert.Equal("/replicated", (await direct.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/replicated" })).Path);
            Assert.Equal($"{Hosts[leader]}:{_clientPort}", direct.PreferredAddress);
        }
    }

    [Fact]
    public async Task MetaStatus_lists_the_three_nodes_in_the_seeds_form_with_the_leaders_view_of_each_follower()
    {
        using var client = NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/status", CreateParent = true });
        var leader = await LeaderIndexAsync();

        using var raw = new RawClient(_nodes[leader]!.Address);
        Proto.NamespaceStatus status = null!;
        await WaitForAsync(async () =>
        {
            status = (await raw.MetaStatusAsync(detail: true)).Namespaces[0];
            return status.Nodes.Count(n => n.Role == "FOLLOWER" && n.State == "RUNNING") == 2 && status.Nodes.All(n => n.LastCommittedIndex > 0);
        }, "the leader to report both followers");

        Assert.Equal(Hosts.Select(h => $"{h}:{_raftPort}"), status.Nodes.Select(n => n.Address));
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
            await _nodes[leader]!.KillAsync();
            await _nodes[leader]!.DisposeAsync();
            _nodes[leader] = null;
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
            await Task.WhenAll(_nodes.Select(n => n!.KillAsync()));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var node in _nodes)
            {
                await node!.DisposeAsync();
            }

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

    private JindoMetaClient NewClient(string? only = null) => new(new JindoMetaClientOptions
    {
        Addresses = only is null ? RpcAddressList.Parse(RpcAddress) : [$"{only}:{_clientPort}"],
        User = "root",
        Deadline = TimeSpan.FromSeconds(30),
        MaxAttempts = 50,
    });

    private async Task StartNodeAsync(int index)
    {
        var host = Hosts[index];
        _nodes[index] = await DaemonProcess.StartAsync(_temp.Sub($"node{index + 1}"),
            "-D", $"namespace.rpc.bind-host={host}",
            "-D", $"namespace.rpc.port={_clientPort.ToString(CultureInfo.InvariantCulture)}",
            "-D", "namespace.backend.type=raft",
            "-D", $"namespace.backend.raft.initial-conf={string.Join(",", Hosts.Select(h => $"{h}:{_raftPort}:0"))}",
            "-D", $"jfs.namespace.server.rpc-address={RpcAddress}");
    }

    /// <summary>The node that reports itself LEADER (waits through an election).</summary>
    private async Task<int> LeaderIndexAsync()
    {
        var leader = -1;
        await WaitForAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                if (_nodes[i] is null)
                {
                    continue;
                }

                try
                {
                    using var raw = new RawClient(_nodes[i]!.Address);
                    var status = await raw.MetaStatusAsync(detail: false);
                    var self = status.Namespaces[0].Nodes.Single(n => n.Address == $"{Hosts[i]}:{_raftPort}");
                    if (self.Role == "LEADER")
                    {
                        leader = i;
                        return true;
                    }
                }
                catch (Grpc.Core.RpcException)
                {
                    // not up yet
                }
            }

            return false;
        }, "a leader");
        return leader;
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A port free on 127.0.0.1, .2 and .3 at once (each node binds its own address, as hosts would).</summary>
    internal static int FreePortOnEveryHost()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            try
            {
                foreach (var host in Hosts.Skip(1))
                {
                    using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    other.Bind(new IPEndPoint(IPAddress.Parse(host), port));
                }

                return port;
            }
            catch (SocketException)
            {
                // taken on another loopback address: try another
            }
        }

        throw new InvalidOperationException("no port is free on 127.0.0.1, .2 and .3 at once after 20 tries");
    }
}
