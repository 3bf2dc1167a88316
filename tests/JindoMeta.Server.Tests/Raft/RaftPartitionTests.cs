using System.Collections.Concurrent;
using System.Diagnostics;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Xunit.Abstractions;
using Health = JindoMeta.Protos.Grpc.Health.V1;
using Proto = JindoMeta.Protos.V1;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// Three daemons with the test-only fault rules (JINDO_TEST_RAFT_FAULTS): the leader is cut off from the other
/// two, both ways, while clients write; then the partition heals.
/// </summary>
public sealed class RaftPartitionTests(ITestOutputHelper output)
{
    /// <summary>Election timeout of the daemons (10 ticks of 100 ms) and the slack the checks allow on a loaded machine.</summary>
    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task An_isolated_leader_stops_acknowledging_a_new_leader_serves_and_the_old_one_rejoins_as_a_follower_with_no_divergent_entries()
    {
        await using var cluster = await new RaftDaemonCluster(faultInjection: true).StartAllAsync();
        var clock = Stopwatch.StartNew();
        using var observing = new CancellationTokenSource();
        var leadersByTerm = new ConcurrentDictionary<string, ConcurrentDictionary<int, bool>>();
        var observer = ObserveLeadersAsync(cluster, leadersByTerm, observing.Token);

        var oldLeader = await cluster.LeaderIndexAsync();
        var acknowledged = new ConcurrentBag<(string Path, long Invoked, string By)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            // Two writers know only the old leader: what they are told after the cut shows whether it still acknowledges.
            using var client = w < 2 ? cluster.NewClient(RaftDaemonCluster.Hosts[oldLeader], deadline: TimeSpan.FromSeconds(3)) : cluster.NewClient();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var path = $"/w{w}/f{i}";
                var invoked = clock.ElapsedMilliseconds;
                try
                {
                    await client.CreateAsync(new Proto.CreateRequest { Path = path, CreateParent = true });
                    acknowledged.Add((path, invoked, client.PreferredAddress));
                }
                catch (JindoMetaException)
                {
                    await Task.Delay(50); // unknown outcome (or no leader reachable): not counted
                }
            }
        })).ToArray();

        await RaftDaemonCluster.WaitForAsync(() => acknowledged.Count > 50, "writes before the partition");
        await cluster.IsolateAsync(oldLeader);
        var cutAt = clock.ElapsedMilliseconds;

        await RaftDaemonCluster.WaitForAsync(async () => await cluster.RoleAsync(oldLeader) != "LEADER", "the isolated leader to step down", TimeSpan.FromSeconds(10));
        var steppedDownAfter = clock.ElapsedMilliseconds - cutAt;
        // Knowing no leader, it tells load balancers and probes not to send it calls.
        await RaftDaemonCluster.WaitForAsync(async () => await HealthAsync(cluster, oldLeader) == ServingStatus.NotServing, "the isolated node's health to say NOT_SERVING");
        var newLeader = -1;
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            foreach (var i in Enumerable.Range(0, 3).Where(i => i != oldLeader))
            {
                if (await cluster.RoleAsync(i) == "LEADER")
                {
                    newLeader = i;
                    return true;
                }
            }

            return false;
        }, "the majority to elect a new leader");
        var beforeHeal = acknowledged.Count;
        await RaftDaemonCluster.WaitForAsync(() => acknowledged.Count > beforeHeal + 50, "the new leader to acknowledge writes");

        await cluster.HealAsync();
        await RaftDaemonCluster.WaitForAsync(async () => await cluster.RoleAsync(oldLeader) == "FOLLOWER", "the old leader to rejoin as a follower");
        await RaftDaemonCluster.WaitForAsync(async () => await HealthAsync(cluster, oldLeader) == ServingStatus.Serving, "the rejoined node's health to say SERVING");
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await observing.CancelAsync();
        await observer;

        // The old leader acknowledged nothing invoked after the cut (allowing the 200 ms the rules take to be read).
        var oldAddress = cluster.ClientAddress(oldLeader);
        var late = acknowledged.Where(a => a.By == oldAddress && a.Invoked > cutAt + 200).ToList();
        Assert.True(late.Count == 0, $"the isolated leader acknowledged {late.Count} writes invoked after it was cut off, e.g. {late.FirstOrDefault()}");
        Assert.True(steppedDownAfter < 5 * ElectionTimeout.TotalMilliseconds, $"the isolated leader took {steppedDownAfter} ms to step down");

        var twoLeaders = leadersByTerm.Where(t => t.Value.Count > 1).Select(t => $"term {t.Key}: nodes {string.Join(",", t.Value.Keys)}").ToList();
        Assert.True(twoLeaders.Count == 0, $"two leaders in one term: {string.Join("; ", twoLeaders)}");
        Assert.True(leadersByTerm.Count >= 2, "the observer should have seen the old and the new leader's terms");

        using (var reader = cluster.NewClient())
        {
            foreach (var (path, _, _) in acknowledged)
            {
                Assert.Equal(path, (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = path })).Path);
            }
        }

        var checksums = await cluster.ChecksumsOfQuiescedReplicasAsync();
        Assert.True(checksums.Distinct().Count() == 1, $"replicas differ after healing: {string.Join(", ", checksums)}");
        output.WriteLine($"old leader node {oldLeader + 1} stepped down {steppedDownAfter} ms after the cut; node {newLeader + 1} took over; {acknowledged.Count} writes acknowledged; terms seen: {string.Join(",", leadersByTerm.Keys.Order())}");
    }

    private static async Task<ServingStatus> HealthAsync(RaftDaemonCluster cluster, int index)
    {
        using var raw = new RawClient(cluster.Nodes[index]!.Address);
        var health = new Health.Health.HealthClient(raw.Channel);
        return (await health.CheckAsync(new Health.HealthCheckRequest { Service = "jindometa.v1.NamespaceService" })).Status;
    }

    /// <summary>Polls every node's own view (role and term) and records which nodes claimed leadership in each term.</summary>
    private static async Task ObserveLeadersAsync(RaftDaemonCluster cluster, ConcurrentDictionary<string, ConcurrentDictionary<int, bool>> leadersByTerm, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < 3; i++)
            {
                if (cluster.Nodes[i] is not { } node)
                {
                    continue;
                }

                try
                {
                    using var raw = new RawClient(node.Address);
                    var status = (await raw.MetaStatusAsync(detail: true)).Namespaces[0];
                    if (status.Nodes.Single(n => n.Address == cluster.PeerAddress(i)).Role == "LEADER")
                    {
                        leadersByTerm.GetOrAdd(status.Properties["term"], _ => new()).TryAdd(i, true);
                    }
                }
                catch (Grpc.Core.RpcException)
                {
                    // a node that does not answer claims nothing
                }
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
