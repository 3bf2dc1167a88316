using System.Globalization;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>Nodes whose namespace.backend.raft.initial-conf differ must not form a cluster: each stops with one line.</summary>
public sealed class RaftConfigurationMismatchTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Peers_that_disagree_about_the_member_list_both_stop_with_one_line_naming_the_key()
    {
        var raftPort = RaftDaemonCluster.FreePortOnEveryHost();
        var clientPort = RaftDaemonCluster.FreePortOnEveryHost();
        string Conf(int lastPriority) => $"127.0.0.1:{raftPort}:0,127.0.0.2:{raftPort}:0,127.0.0.3:{raftPort}:{lastPriority}";
        await using var first = await StartAsync("127.0.0.1", clientPort, Conf(0));
        await using var second = await StartAsync("127.0.0.2", clientPort, Conf(1)); // same hosts, another list

        foreach (var node in new[] { first, second })
        {
            Assert.Equal(1, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var line = Assert.Single(node.Output.Split('\n'), l => l.StartsWith("jindometa: ", StringComparison.Ordinal) && !l.Contains("serving on", StringComparison.Ordinal));
            Assert.Contains("disagree about namespace.backend.raft.initial-conf", line, StringComparison.Ordinal);
        }
    }

    private Task<DaemonProcess> StartAsync(string host, int clientPort, string conf) =>
        DaemonProcess.StartAsync(_temp.Sub(host),
            "-D", $"namespace.rpc.bind-host={host}",
            "-D", $"namespace.rpc.port={clientPort.ToString(CultureInfo.InvariantCulture)}",
            "-D", "namespace.backend.type=raft",
            "-D", $"namespace.backend.raft.initial-conf={conf}");
}
