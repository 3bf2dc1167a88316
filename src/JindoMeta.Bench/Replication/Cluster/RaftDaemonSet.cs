using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Processes;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Replication.Cluster;

/// <summary>
/// Three `jindometa` daemons with namespace.backend.type = raft on 127.0.0.1, .2 and .3, each on the same client
/// and raft ports as three hosts would be (the layout of deploy/raft-local-start.sh), data under the benchmark's
/// work directory (node1..node3). Default raft timing: 100 ms ticks, 10-tick election timeout.
/// </summary>
public sealed class RaftDaemonSet : IFailoverTarget, IDisposable
{
    private static readonly Metadata RootUser = new() { { "x-jindo-user", "root" } };
    private readonly string _directory;
    private readonly JindoMetaDaemon?[] _nodes = new JindoMetaDaemon?[3];
    private readonly GrpcChannel[] _adminChannels;

    private RaftDaemonSet(string directory)
    {
        _directory = directory;
        (ClientPort, RaftPort) = (LoopbackPorts.FreeOnEvery(Hosts), LoopbackPorts.FreeOnEvery(Hosts));
        _adminChannels = [.. Enumerable.Range(0, 3).Select(i => GrpcChannel.ForAddress($"http://{ClientAddress(i)}"))];
    }

    public static IReadOnlyList<string> Hosts => LoopbackPorts.ThreeHosts;

    public int ClientPort { get; }

    public int RaftPort { get; }

    /// <summary>The three client addresses in jfs.namespace.server.rpc-address order.</summary>
    public IReadOnlyList<string> ClientAddresses => [.. Enumerable.Range(0, 3).Select(ClientAddress)];

    public string ClientAddress(int index) => $"{Hosts[index]}:{ClientPort}";

    public string PeerAddress(int index) => $"{Hosts[index]}:{RaftPort}";

    public static async Task<RaftDaemonSet> StartAsync(string directory)
    {
        var cluster = new RaftDaemonSet(directory);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(cluster.StartNodeAsync));
        await cluster.LeaderIndexAsync(TimeSpan.FromSeconds(60));
        return cluster;
    }

    /// <summary>Starts node <paramref name="index"/> (again, after a kill: it recovers from its data directory).</summary>
    public async Task StartNodeAsync(int index)
    {
        string[] arguments =
        [
            "-D", "namespace.backend.type=raft",
            "-D", $"namespace.backend.raft.initial-conf={string.Join(",", Enumerable.Range(0, 3).Select(i => $"{PeerAddress(i)}:0"))}",
            "-D", $"jfs.namespace.server.rpc-address={string.Join(",", ClientAddresses)}",
        ];
        _nodes[index] = await JindoMetaDaemon.StartAsync(Path.Combine(_directory, $"node{index + 1}"), Hosts[index], ClientPort, arguments);
    }

    public JindoMetaDaemon Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"raft node {index + 1} is not running");

    /// <summary>SIGKILLs node <paramref name="index"/> and waits until it is gone (its data stays).</summary>
    public void Kill(int index)
    {
        Node(index).Dispose();
        _nodes[index] = null;
    }

    /// <summary>What node <paramref name="index"/> reports with -detail (role, term, commitIndex, logSyncs...), or null when it does not answer.</summary>
    public async Task<Proto.NamespaceStatus?> StatusAsync(int index)
    {
        if (_nodes[index] is null)
        {
            return null;
        }

        try
        {
            var admin = new Proto.AdminService.AdminServiceClient(_adminChannels[index]);
            var response = await admin.MetaStatusAsync(new Proto.MetaStatusRequest { Detail = true }, new CallOptions(RootUser, DateTime.UtcNow.AddSeconds(2)));
            return response.Namespaces[0];
        }
        catch (RpcException)
        {
            return null; // not up yet, or just killed
        }
    }

    /// <summary>The role node <paramref name="index"/> gives itself (LEADER, FOLLOWER, CANDIDATE), or null when it does not answer.</summary>
    public async Task<string?> RoleAsync(int index) =>
        await StatusAsync(index) is { } status ? status.Nodes.Single(n => n.Address == PeerAddress(index)).Role : null;

    public async Task<int> LeaderIndexAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            for (var i = 0; i < 3; i++)
            {
                if (await RoleAsync(i) == "LEADER")
                {
                    return i;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no raft leader within {timeout.TotalSeconds:0} s (nodes on {string.Join(", ", ClientAddresses)})");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until node <paramref name="index"/> is a follower that knows the leader and has applied what the
    /// leader had committed when the node came back (so the next kill leaves two up-to-date nodes).
    /// </summary>
    public async Task WaitForCaughtUpFollowerAsync(int index, int leader, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var target = await StatusAsync(leader) is { } leaderStatus ? long.Parse(leaderStatus.Properties["commitIndex"], System.Globalization.CultureInfo.InvariantCulture) : 0;
        while (await StatusAsync(index) is not { } status
               || status.Nodes.Single(n => n.Address == PeerAddress(index)).Role != "FOLLOWER"
               || status.Properties["leader"] == "none"
               || long.Parse(status.Properties["appliedIndex"], System.Globalization.CultureInfo.InvariantCulture) < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"raft node {index + 1} did not rejoin as a caught-up follower within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }

    Task<int> IFailoverTarget.LeaderIndexAsync() => LeaderIndexAsync(TimeSpan.FromSeconds(60));

    async Task IFailoverTarget.RestartAsFollowerAsync(int index)
    {
        await StartNodeAsync(index);
        await WaitForCaughtUpFollowerAsync(index, await LeaderIndexAsync(TimeSpan.FromSeconds(60)), TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        for (var i = 0; i < 3; i++)
        {
            if (_nodes[i] is not null)
            {
                Kill(i);
            }
        }

        foreach (var channel in _adminChannels)
        {
            channel.Dispose();
        }
    }
}
