using System.Collections.Concurrent;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.Raft.Tests.StateMachine;
using JindoMeta.Backend.Raft.Tests.Support;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Integration;

/// <summary>
/// Three real raft drivers, each with a RocksDB log store and a <see cref="NamespaceStateMachine"/>, on an in-process
/// network: the randomized command log proposed through the leader leaves three identical states, including a node
/// that lost its whole data directory and came back by snapshot.
/// </summary>
public sealed class NamespaceClusterTests
{
    private static readonly ulong[] Voters = [1, 2, 3];

    [Fact]
    public async Task Three_nodes_applying_a_randomized_log_end_with_identical_checksums_even_after_one_rejoins_from_an_empty_disk_and_one_restarts()
    {
        using var root = new TempDirectory("jindometa-smcluster");
        await using var cluster = new Cluster(root.Path);
        var log = RandomCommandLog.Generate(seed: 42, count: 1200).Where(e => e.Data.Length > 0).Select(e => e.Data).ToList();
        foreach (var id in Voters)
        {
            cluster.Start(id);
        }

        await cluster.ProposeAllAsync(log[..500]);
        var leader = await cluster.WaitForLeaderAsync();
        var lost = leader.Id == 3 ? 2ul : 3ul;
        await cluster.StopAsync(lost);
        Directory.Delete(Path.Combine(root.Path, $"node{lost}"), recursive: true);
        await cluster.ProposeAllAsync(log[500..900]); // the survivors snapshot and compact past what it had

        cluster.Start(lost);
        await cluster.ProposeAllAsync(log[900..1000]);
        var restarted = Voters.First(id => id != lost);
        await cluster.StopAsync(restarted); // keeps its disk: resumes from its stored applied index
        cluster.Start(restarted);
        await cluster.ProposeAllAsync(log[1000..]);
        await cluster.WaitUntilAllAppliedAsync();

        var checksums = Voters.Select(id => cluster.Machines[id].ComputeChecksum()).ToArray();
        Assert.True(checksums.Distinct().Count() == 1, $"checksums differ: {string.Join(", ", checksums)}");
        Assert.True(cluster.Machines[lost].GetFileInfo("/", new CallerIdentity("root", [])).IsOk);
        Assert.True(cluster.Snapshots > 0, "the run should have taken snapshots");
        // The store in use (a tmp- checkpoint of a snapshot being taken at this moment may sit next to it).
        var lostState = Path.GetFileName(Directory.GetDirectories(Path.Combine(root.Path, $"node{lost}", "state"), "state-*").Single());
        Assert.True(lostState != "state-0000000001", $"the rejoined node should have restored a snapshot, but it still uses {lostState}");
        foreach (var id in Voters)
        {
            // The log is compacted behind the snapshot (keeping CompactionMargin entries), and exactly the referenced
            // snapshot file is left on disk.
            // A snapshot may still be being taken (its file written, the reference not yet moved): wait for it to settle.
            var store = cluster.Stores[id];
            Snapshot snapshot = default!;
            for (var attempt = 0; ; attempt++)
            {
                Assert.Equal(StorageStatus.Ok, store.Snapshot(out snapshot));
                if (store.SnapshotFiles.FileNames.SequenceEqual([((JindoMeta.Backend.Raft.Snapshots.FileSnapshotData)snapshot.Data).FileName]) || attempt == 100)
                {
                    break;
                }

                await Task.Delay(50);
            }

            Assert.True(store.FirstIndex > 1 && store.FirstIndex - 1 <= snapshot.Index, $"node {id}: log starts at {store.FirstIndex}, snapshot at {snapshot.Index}");
            Assert.Equal([((JindoMeta.Backend.Raft.Snapshots.FileSnapshotData)snapshot.Data).FileName], store.SnapshotFiles.FileNames);
        }
    }

    private sealed class Cluster(string root) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<ulong, RaftDriver> _drivers = new();
        private readonly Dictionary<ulong, RocksRaftLogStore> _stores = [];

        public IReadOnlyDictionary<ulong, RocksRaftLogStore> Stores => _stores;

        public Dictionary<ulong, NamespaceStateMachine> Machines { get; } = [];

        public int Snapshots => _stores.Values.Count(s => s.Snapshot(out var snapshot) == StorageStatus.Ok && !snapshot.IsEmpty);

        public void Start(ulong id)
        {
            var node = Path.Combine(root, $"node{id}");
            Directory.CreateDirectory(node);
            var store = RocksRaftLogStore.Open(Path.Combine(node, "log"), Voters);
            var machine = NamespaceStateMachine.Open(new NamespaceStateMachineOptions { Directory = Path.Combine(node, "state") }, PermissionSettings.Default);
            _stores[id] = store;
            Machines[id] = machine;
            var driver = new RaftDriver(new RaftDriverOptions
            {
                Raft = new RaftOptions { Id = id, Voters = Voters, Storage = store, Random = new Random((int)id) },
                LogStore = store,
                Transport = new InProcessRaftTransport(_drivers),
                StateMachine = machine,
                TickInterval = TimeSpan.FromMilliseconds(10),
                SnapshotEveryEntries = 150,
                CompactionMargin = 10,
            });
            _drivers[id] = driver;
            driver.Start();
        }

        public async Task StopAsync(ulong id)
        {
            if (_drivers.TryRemove(id, out var driver))
            {
                await driver.DisposeAsync();
                Machines[id].Dispose();
                _stores[id].Dispose();
            }
        }

        /// <summary>Proposes in rounds of 16 concurrent calls (so the leader batches them); each answer is the engine's result.</summary>
        public async Task ProposeAllAsync(IReadOnlyList<byte[]> payloads)
        {
            for (var i = 0; i < payloads.Count; i += 16)
            {
                var leader = await WaitForLeaderAsync();
                var round = payloads.Skip(i).Take(16).Select(p => leader.ProposeAsync(p)).ToArray();
                try
                {
                    foreach (var result in await Task.WhenAll(round))
                    {
                        Assert.IsType<Result<FileStatus?>>(result);
                    }
                }
                catch (RaftException)
                {
                    // Leadership moved: those outcomes are unknown, which changes nothing here (every node applies
                    // the same log, whatever it holds).
                }
            }
        }

        public async Task<RaftDriver> WaitForLeaderAsync()
        {
            RaftDriver? leader = null;
            await WaitUntilAsync(() => (leader = _drivers.Values.FirstOrDefault(d => d.Summary.Role == RaftRole.Leader)) is not null, "a leader is elected");
            return leader!;
        }

        public Task WaitUntilAllAppliedAsync() => WaitUntilAsync(() =>
        {
            var applied = _drivers.Values.Select(d => d.Summary.Applied).ToArray();
            var committed = _drivers.Values.Max(d => d.Summary.Committed);
            return applied.Length == Voters.Length && applied.All(a => a == committed);
        }, "every node applied everything committed");

        public async ValueTask DisposeAsync()
        {
            foreach (var id in _drivers.Keys.ToList())
            {
                await StopAsync(id);
            }
        }

        private static async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"timed out waiting until {what}");
                }

                await Task.Delay(10);
            }
        }
    }
}
