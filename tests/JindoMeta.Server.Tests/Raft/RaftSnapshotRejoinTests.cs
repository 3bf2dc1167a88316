using System.Globalization;
using JindoMeta.Client;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// Three real raft daemons snapshotting every 100 entries (namespace.backend.raft.snapshot.interval-entries) and keeping
/// 10 entries behind each snapshot: a follower whose whole data directory is deleted comes back empty, receives the
/// leader's snapshot streamed from disk over the raft port, and catches up.
/// </summary>
public sealed class RaftSnapshotRejoinTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RaftDaemonCluster _cluster = new(extraArguments:
        ["-D", "namespace.backend.raft.snapshot.interval-entries=100", "-D", "namespace.backend.raft.snapshot.compaction-margin-entries=10"]);

    public async Task InitializeAsync() => await _cluster.StartAllAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_follower_that_lost_its_data_directory_rejoins_from_a_snapshot_and_catches_up_with_the_leader()
    {
        using var client = _cluster.NewClient();
        await CreateAllAsync(client, "/before", 150);
        var leader = await _cluster.LeaderIndexAsync();
        var lost = (leader + 1) % 3;
        await _cluster.StopNodeAsync(lost);
        Directory.Delete(_cluster.DataDirectory(lost), recursive: true);

        await CreateAllAsync(client, "/while-down", 250);
        leader = await _cluster.LeaderIndexAsync();
        var compacted = await _cluster.StatusAsync(leader);
        Assert.True(Number(compacted, "firstLogIndex") > 1, $"the leader's log should be compacted behind its snapshot: {Describe(compacted)}");
        Assert.True(Number(compacted, "firstLogIndex") - 1 <= Number(compacted, "snapshotIndex"), Describe(compacted));

        await _cluster.StartNodeAsync(lost);
        await CreateAllAsync(client, "/after", 20);
        leader = await _cluster.LeaderIndexAsync();
        var target = Number(await _cluster.StatusAsync(leader), "commitIndex");
        Proto.NamespaceStatus rejoined = null!;
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            rejoined = await _cluster.StatusAsync(lost);
            return Number(rejoined, "appliedIndex") >= target;
        }, $"the rejoined node to apply up to the leader's commit index {target}");

        output.WriteLine($"rejoined node: {Describe(rejoined)}");
        Assert.True(Number(rejoined, "snapshotsRestored") >= 1, $"the rejoined node's state should come from a snapshot: {Describe(rejoined)}");
        Assert.True(Number(rejoined, "snapshotIndex") > 0, Describe(rejoined));
        var snapshotFiles = Directory.GetFiles(_cluster.DataDirectory(lost), "*.snap", SearchOption.AllDirectories);
        Assert.Single(snapshotFiles); // the referenced one; superseded ones are deleted

        // Reads are served by the leader only: hand leadership to the rejoined node, then read through it.
        using (var admin = _cluster.NewClient())
        {
            await admin.TransferLeadershipAsync(new Proto.TransferLeadershipRequest { Target = _cluster.PeerAddress(lost) });
        }

        using var direct = _cluster.NewClient(RaftDaemonCluster.Hosts[lost]);
        foreach (var (directory, count) in new[] { ("/before", 150), ("/while-down", 250), ("/after", 20) })
        {
            var listing = await direct.ListStatusAsync(new Proto.ListStatusRequest { Path = directory, Limit = 1000 });
            Assert.Equal(count, listing.Entries.Count);
        }

        Assert.Equal($"{RaftDaemonCluster.Hosts[lost]}:{_cluster.ClientPort}", direct.PreferredAddress);
    }

    /// <summary>Creates <paramref name="count"/> files under <paramref name="directory"/>, 8 at a time.</summary>
    private static async Task CreateAllAsync(JindoMetaClient client, string directory, int count)
    {
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = directory, CreateParent = true });
        for (var i = 0; i < count; i += 8)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(8, count - i)).Select(n =>
                client.CreateAsync(new Proto.CreateRequest { Path = $"{directory}/f{n}", CreateParent = true })));
        }
    }

    private static ulong Number(Proto.NamespaceStatus status, string key) =>
        status.Properties.TryGetValue(key, out var value)
            ? ulong.Parse(value, CultureInfo.InvariantCulture)
            : throw new KeyNotFoundException($"-metaStatus -detail has no {key}: {Describe(status)}");

    private static string Describe(Proto.NamespaceStatus status) => string.Join(" ", status.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
