using System.Globalization;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>jfs.namespaces on the raft backend: each namespace is its own raft group (log, state, leader) on the
/// nodes' shared peer port, and nodes that list different namespaces refuse to form a cluster.</summary>
public sealed class RaftNamespacesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Two_namespaces_replicate_independently_each_with_its_own_leader_state_and_data_directory()
    {
        await using var cluster = await new RaftDaemonCluster(extraArguments: ["-D", "jfs.namespaces=alpha,beta"]).StartAllAsync();
        using var client = cluster.NewClient();
        await client.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "alpha", Path = "/only-in-alpha", CreateParent = true });
        await client.CreateAsync(new Proto.CreateRequest { Namespace = "beta", Path = "/only-in/beta", CreateParent = true });

        Assert.Equal("/only-in-alpha", (await client.GetFileInfoAsync(new Proto.GetFileInfoRequest { Namespace = "alpha", Path = "/only-in-alpha" })).Path);
        var missing = await Assert.ThrowsAsync<JindoMeta.Client.JindoMetaException>(() =>
            client.GetFileInfoAsync(new Proto.GetFileInfoRequest { Namespace = "beta", Path = "/only-in-alpha" }));
        Assert.True(missing.IsNotFound, missing.Message);

        // Each namespace reports its own three nodes, with exactly one leader, and keeps its own log and state.
        Proto.MetaStatusResponse status = null!;
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            using var raw = new RawClient(cluster.Nodes[0]!.Address);
            status = await raw.MetaStatusAsync(detail: true);
            return status.Namespaces.All(ns => ns.Nodes.Count(n => n.Role == "LEADER") == 1);
        }, "each namespace to know its leader");
        Assert.Equal(["alpha", "beta"], status.Namespaces.Select(ns => ns.Name));
        Assert.All(status.Namespaces, ns => Assert.Equal(3, ns.Nodes.Count));
        foreach (var index in Enumerable.Range(0, 3))
        {
            Assert.True(Directory.Exists(Path.Combine(cluster.DataDirectory(index), "alpha", "raft-log")), $"node {index + 1} has no alpha log");
            Assert.True(Directory.Exists(Path.Combine(cluster.DataDirectory(index), "beta", "state")), $"node {index + 1} has no beta state");
        }

        // Killing the leader of one group moves that group only as far as it must: both keep serving.
        var alphaLeader = status.Namespaces[0].Nodes.ToList().FindIndex(n => n.Role == "LEADER");
        await cluster.KillAsync(alphaLeader);
        await client.CreateAsync(new Proto.CreateRequest { Namespace = "alpha", Path = "/after-kill", CreateParent = true });
        await client.CreateAsync(new Proto.CreateRequest { Namespace = "beta", Path = "/after-kill", CreateParent = true });
    }

    [Fact]
    public async Task Nodes_that_list_different_namespaces_both_stop_with_one_line_naming_jfs_namespaces()
    {
        var raftPort = RaftDaemonCluster.FreePortOnEveryHost();
        var clientPort = RaftDaemonCluster.FreePortOnEveryHost();
        var conf = string.Join(",", RaftDaemonCluster.Hosts.Select(h => $"{h}:{raftPort}:0"));
        await using var first = await StartAsync("127.0.0.1", clientPort, conf, "alpha,beta");
        await using var second = await StartAsync("127.0.0.2", clientPort, conf, "alpha,gamma");

        foreach (var node in new[] { first, second })
        {
            Assert.Equal(1, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var line = Assert.Single(node.Output.Split('\n'), l => l.StartsWith("jindometa: ", StringComparison.Ordinal) && !l.Contains("serving on", StringComparison.Ordinal));
            Assert.Contains("disagree about jfs.namespaces", line, StringComparison.Ordinal);
        }
    }

    private Task<DaemonProcess> StartAsync(string host, int clientPort, string conf, string namespaces) =>
        DaemonProcess.StartAsync(_temp.Sub(host),
            "-D", $"namespace.rpc.bind-host={host}",
            "-D", $"namespace.rpc.port={clientPort.ToString(CultureInfo.InvariantCulture)}",
            "-D", "namespace.backend.type=raft",
            "-D", $"jfs.namespaces={namespaces}",
            "-D", $"namespace.backend.raft.initial-conf={conf}");
}
