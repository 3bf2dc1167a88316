using System.Globalization;
using System.Net;
using System.Net.Sockets;
using JindoMeta.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// Three real daemons with namespace.backend.type = raft on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (each on the same
/// client and raft ports, as three hosts would be), each with its data in <c>node{1..3}</c> under one temporary root.
/// </summary>
public sealed class RaftDaemonCluster : IAsyncDisposable
{
    public static readonly string[] Hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    private readonly TempDirectory _temp = new();
    private readonly DaemonProcess?[] _nodes = new DaemonProcess?[3];
    private readonly string[] _extraArguments;

    private RaftDaemonCluster(string[] extraArguments)
    {
        _extraArguments = extraArguments;
        (ClientPort, RaftPort) = (FreePortOnEveryHost(), FreePortOnEveryHost());
    }

    public int ClientPort { get; }

    public int RaftPort { get; }

    public string RpcAddress => string.Join(",", Hosts.Select(h => $"{h}:{ClientPort}"));

    /// <summary>The running daemon of node <paramref name="index"/> (0-2), or null while it is stopped.</summary>
    public DaemonProcess? this[int index] => _nodes[index];

    /// <summary>Starts the three nodes, each with <paramref name="extraArguments"/> (more -D settings) as well.</summary>
    public static async Task<RaftDaemonCluster> StartAsync(params string[] extraArguments)
    {
        var cluster = new RaftDaemonCluster(extraArguments);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(cluster.StartNodeAsync));
        return cluster;
    }

    /// <summary>Node <paramref name="index"/>'s data directory (namespace.data.dir).</summary>
    public string DataDirectoryOf(int index) => _temp.Sub($"node{index + 1}");

    public async Task StartNodeAsync(int index)
    {
        var host = Hosts[index];
        _nodes[index] = await DaemonProcess.StartAsync(DataDirectoryOf(index),
        [
            "-D", $"namespace.rpc.bind-host={host}",
            "-D", $"namespace.rpc.port={ClientPort.ToString(CultureInfo.InvariantCulture)}",
            "-D", "namespace.backend.type=raft",
            "-D", $"namespace.backend.raft.initial-conf={string.Join(",", Hosts.Select(h => $"{h}:{RaftPort}:0"))}",
            "-D", $"jfs.namespace.server.rpc-address={RpcAddress}",
            .. _extraArguments,
        ]);
    }

    /// <summary>SIGTERM: the node closes its stores cleanly and stays stopped until <see cref="StartNodeAsync"/>.</summary>
    public async Task StopNodeAsync(int index)
    {
        await _nodes[index]!.TerminateAsync();
        await _nodes[index]!.DisposeAsync();
        _nodes[index] = null;
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillNodeAsync(int index)
    {
        await _nodes[index]!.KillAsync();
        await _nodes[index]!.DisposeAsync();
        _nodes[index] = null;
    }

    public JindoMetaClient NewClient(string? only = null) => new(new JindoMetaClientOptions
    {
        Addresses = only is null ? RpcAddressList.Parse(RpcAddress) : [$"{only}:{ClientPort}"],
        User = "root",
        Deadline = TimeSpan.FromSeconds(30),
        MaxAttempts = 50,
    });

    /// <summary>What node <paramref name="index"/> reports about the namespace (-metaStatus -detail).</summary>
    public async Task<Proto.NamespaceStatus> StatusAsync(int index, bool detail = true)
    {
        using var raw = new RawClient(_nodes[index]!.Address);
        return (await raw.MetaStatusAsync(detail)).Namespaces[0];
    }

    /// <summary>The node that reports itself LEADER (waits through an election).</summary>
    public async Task<int> LeaderIndexAsync()
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
                    var status = await StatusAsync(i, detail: false);
                    var self = status.Nodes.Single(n => n.Address == $"{Hosts[i]}:{RaftPort}");
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

    public static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
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

    public async ValueTask DisposeAsync()
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
