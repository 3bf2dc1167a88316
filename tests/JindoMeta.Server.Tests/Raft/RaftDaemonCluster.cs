using System.Globalization;
using System.Net;
using System.Net.Sockets;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Client;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// Three real daemons with namespace.backend.type = raft on 127.0.0.1, 127.0.0.2 and 127.0.0.3, each on the same
/// client and raft ports as three hosts would be, with data under one temporary directory (node1..node3).
/// </summary>
public sealed class RaftDaemonCluster : IAsyncDisposable
{
    public static readonly string[] Hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    private readonly TempDirectory _temp = new();
    private readonly int[] _priorities;

    /// <param name="priorities">The third field of each member in initial-conf (all 0 by default, as in the seed).</param>
    /// <param name="faultInjection">Start every node with the test-only fault-rule file (<see cref="IsolateAsync"/>).</param>
    /// <param name="extraArguments">More daemon arguments for every node (e.g. "-D", "key=value").</param>
    public RaftDaemonCluster(int[]? priorities = null, bool faultInjection = false, params string[] extraArguments)
    {
        _priorities = priorities ?? [0, 0, 0];
        ExtraArguments = extraArguments;
        (ClientPort, RaftPort) = (FreePortOnEveryHost(), FreePortOnEveryHost());
        FaultRulesFile = faultInjection ? Path.Combine(_temp.Path, "raft-faults") : null;
    }

    /// <summary>More daemon arguments for every node from its next start on (a restart with other settings).</summary>
    public string[] ExtraArguments { get; set; }

    /// <summary>The rule file all nodes read (JINDO_TEST_RAFT_FAULTS), or null without fault injection.</summary>
    public string? FaultRulesFile { get; }

    /// <summary>Cuts node <paramref name="index"/> off from the other two, both ways (every node drops what it would
    /// send to or from it); <see cref="HealAsync"/> reconnects it.</summary>
    public Task IsolateAsync(int index) => WriteFaultRulesAsync($"isolate {index + 1}\n");

    public Task HealAsync() => WriteFaultRulesAsync("");

    private async Task WriteFaultRulesAsync(string rules)
    {
        var file = FaultRulesFile ?? throw new InvalidOperationException("the cluster was started without fault injection");
        var staged = file + ".new";
        await File.WriteAllTextAsync(staged, rules);
        File.Move(staged, file, overwrite: true); // the nodes never read half a file
        await Task.Delay(200); // the nodes re-read it every 50 ms
    }

    public int ClientPort { get; }

    public int RaftPort { get; }

    /// <summary>The running daemons by index (null while a node is down).</summary>
    public DaemonProcess?[] Nodes { get; } = new DaemonProcess?[3];

    public string RpcAddress => string.Join(",", Hosts.Select(h => $"{h}:{ClientPort}"));

    public string InitialConf => string.Join(",", Hosts.Select((h, i) => $"{h}:{RaftPort}:{_priorities[i]}"));

    public string PeerAddress(int index) => $"{Hosts[index]}:{RaftPort}";

    public string ClientAddress(int index) => $"{Hosts[index]}:{ClientPort}";

    public string DataDirectory(int index) => Path.Combine(_temp.Path, $"node{index + 1}");

    /// <summary>The RocksDB store of node <paramref name="index"/>'s applied state (the one its state directory's pointer names).</summary>
    public string StateStoreDirectory(int index, string namespaceName = "test")
    {
        var state = Path.Combine(DataDirectory(index), namespaceName, "state");
        return Path.Combine(state, File.ReadAllText(Path.Combine(state, "CURRENT-STATE")).Trim());
    }

    public async Task<RaftDaemonCluster> StartAllAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartNodeAsync(i)));
        return this;
    }

    /// <summary>The daemon arguments of node <paramref name="index"/> beyond its data directory (<see cref="DaemonProcess"/> adds that).</summary>
    public string[] NodeArguments(int index) =>
    [
        "-D", $"namespace.rpc.bind-host={Hosts[index]}",
        "-D", $"namespace.rpc.port={ClientPort.ToString(CultureInfo.InvariantCulture)}",
        "-D", "namespace.backend.type=raft",
        "-D", $"namespace.backend.raft.initial-conf={InitialConf}",
        "-D", $"jfs.namespace.server.rpc-address={RpcAddress}",
        .. ExtraArguments,
    ];

    public async Task StartNodeAsync(int index, IDictionary<string, string>? environment = null)
    {
        var arguments = NodeArguments(index);
        Directory.CreateDirectory(DataDirectory(index));
        environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (FaultRulesFile is { } faults)
        {
            environment[JindoMeta.Backend.Raft.Transport.FileRaftFaults.EnvironmentVariable] = faults;
        }

        Nodes[index] = await DaemonProcess.StartAsync(DataDirectory(index), environment, arguments);
    }

    /// <summary>Stops the node gracefully (SIGTERM) and forgets it (its data stays).</summary>
    public async Task StopNodeAsync(int index)
    {
        var node = Nodes[index] ?? throw new InvalidOperationException($"node {index + 1} is not running");
        await node.TerminateAsync();
        await node.DisposeAsync();
        Nodes[index] = null;
    }

    /// <summary>What node <paramref name="index"/> reports about the namespace (-metaStatus, with -detail's properties).</summary>
    public async Task<Proto.NamespaceStatus> StatusAsync(int index, bool detail = true)
    {
        using var raw = new RawClient((Nodes[index] ?? throw new InvalidOperationException($"node {index + 1} is not running")).Address);
        return (await raw.MetaStatusAsync(detail)).Namespaces[0];
    }

    /// <summary>
    /// Polls `-metaStatus -detail` as `jindo` asks it (every namespace from its leader) until the leader's view of the
    /// namespace satisfies <paramref name="condition"/>; fails with the last view seen.
    /// </summary>
    public async Task<Proto.NamespaceStatus> WaitForLeaderStatusAsync(Func<Proto.NamespaceStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var client = NewClient();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        Proto.NamespaceStatus? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = (await client.MetaStatusFromLeadersAsync(new Proto.MetaStatusRequest { Detail = true })).Namespaces[0];
                if (last.LeaderAddress.Length == 0 && condition(last))
                {
                    return last;
                }
            }
            catch (JindoMetaException)
            {
                // a node just went down: ask again
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"not {what} within {limit}: {last}");
    }

    /// <summary>SIGKILLs the node and forgets it (its data stays).</summary>
    public async Task KillAsync(int index)
    {
        var node = Nodes[index] ?? throw new InvalidOperationException($"node {index + 1} is not running");
        await node.KillAsync();
        await node.DisposeAsync();
        Nodes[index] = null;
    }

    public JindoMetaClient NewClient(string? onlyHost = null, string user = "root", TimeSpan? deadline = null) => new(new JindoMetaClientOptions
    {
        Addresses = onlyHost is null ? RpcAddressList.Parse(RpcAddress) : [$"{onlyHost}:{ClientPort}"],
        User = user,
        Deadline = deadline ?? TimeSpan.FromSeconds(30),
        MaxAttempts = 50,
    });

    /// <summary>The running node that reports itself LEADER (waits through an election).</summary>
    public async Task<int> LeaderIndexAsync(TimeSpan? timeout = null)
    {
        var leader = -1;
        await WaitForAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                if (await RoleAsync(i) == "LEADER")
                {
                    leader = i;
                    return true;
                }
            }

            return false;
        }, "a leader", timeout);
        return leader;
    }

    /// <summary>What node <paramref name="index"/> says its own role is, or null when it does not answer.</summary>
    public async Task<string?> RoleAsync(int index)
    {
        if (Nodes[index] is not { } node)
        {
            return null;
        }

        try
        {
            using var raw = new RawClient(node.Address);
            var status = await raw.MetaStatusAsync(detail: false);
            return status.Namespaces[0].Nodes.Single(n => n.Address == PeerAddress(index)).Role;
        }
        catch (Grpc.Core.RpcException)
        {
            return null; // not up yet, or just killed
        }
    }

    /// <summary>
    /// Waits until the three nodes report the same applied index, SIGKILLs all three at that point (no election can
    /// add an entry to some of them), and returns each node's state checksum, computed offline from its data.
    /// </summary>
    public async Task<StateChecksum[]> ChecksumsOfQuiescedReplicasAsync(string namespaceName = "test")
    {
        await WaitForAsync(async () =>
        {
            var applied = new HashSet<string>();
            for (var i = 0; i < 3; i++)
            {
                using var raw = new RawClient(Nodes[i]!.Address);
                applied.Add((await raw.MetaStatusAsync(detail: true)).Namespaces[0].Properties["appliedIndex"]);
            }

            return applied.Count == 1;
        }, "the three nodes to apply the same index");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(KillAsync));
        return [.. Enumerable.Range(0, 3).Select(i =>
        {
            using var machine = NamespaceStateMachine.Open(
                new NamespaceStateMachineOptions { Directory = Path.Combine(DataDirectory(i), namespaceName, "state") }, new PermissionSettings());
            return machine.ComputeChecksum();
        })];
    }

    public static Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        _temp.Dispose();
    }

    /// <summary>A port free on 127.0.0.1, .2 and .3 at once (each node binds its own address, as hosts would).</summary>
    public static int FreePortOnEveryHost()
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
