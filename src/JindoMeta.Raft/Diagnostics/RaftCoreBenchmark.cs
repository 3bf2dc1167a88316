using System.Diagnostics;

namespace JindoMeta.Raft.Diagnostics;

/// <summary>One measured configuration of <see cref="RaftCoreBenchmark"/>.</summary>
public sealed record RaftCoreBenchmarkResult(int Nodes, int BatchSize, int PayloadBytes, long CommittedEntries, double Seconds, double CommittedEntriesPerSecond, double AllocatedBytesPerEntry);

/// <summary>
/// Measures the consensus core alone: a cluster of <see cref="RaftNode"/>s on <see cref="MemoryRaftStorage"/> with
/// synchronous in-memory message delivery and a no-op state machine, on one thread. Each round the leader proposes one
/// batch and the cluster runs until it is committed and applied everywhere. Reports committed entries per second and
/// managed bytes allocated per committed entry (all nodes together).
/// </summary>
public static class RaftCoreBenchmark
{
    public static RaftCoreBenchmarkResult Run(int nodes = 3, int batchSize = 64, int payloadBytes = 128, long entries = 200_000, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var cluster = new Cluster(nodes, seed);
        var leader = cluster.ElectLeader();
        var payload = new byte[payloadBytes];
        var batch = Enumerable.Repeat(payload, batchSize).ToArray();

        // Warm-up: JIT and steady-state collection sizes.
        cluster.Run(leader, batch, Math.Min(entries / 10, 20_000));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var committed = cluster.Run(leader, batch, entries);
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new RaftCoreBenchmarkResult(nodes, batchSize, payloadBytes, committed, watch.Elapsed.TotalSeconds,
            committed / watch.Elapsed.TotalSeconds, (double)allocated / committed);
    }

    private sealed class Cluster
    {
        private readonly RaftNode[] _nodes;
        private readonly MemoryRaftStorage[] _storages;
        private readonly List<Message> _inFlight = [];
        private readonly List<Message> _delivering = [];

        public Cluster(int size, int seed)
        {
            var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
            _storages = [.. voters.Select(_ => new MemoryRaftStorage(voters))];
            _nodes = [.. voters.Select((id, i) => new RaftNode(new RaftOptions
            {
                Id = id,
                Voters = voters,
                Storage = _storages[i],
                Random = new Random(seed + i),
            }))];
        }

        public RaftNode ElectLeader()
        {
            _nodes[0].Campaign();
            Pump();
            return _nodes[0].Role == RaftRole.Leader ? _nodes[0] : throw new InvalidOperationException("benchmark cluster failed to elect node 1");
        }

        public long Run(RaftNode leader, byte[][] batch, long entries)
        {
            var start = leader.Committed;
            while (leader.Committed - start < (ulong)entries)
            {
                if (leader.Propose(batch).Status != ProposeStatus.Accepted)
                {
                    throw new InvalidOperationException("benchmark leader lost leadership");
                }

                Pump();
                if (leader.Committed % 50_000 < (ulong)batch.Length)
                {
                    Compact();
                }
            }

            return (long)(leader.Committed - start);
        }

        private void Compact()
        {
            for (var i = 0; i < _nodes.Length; i++)
            {
                var applied = _nodes[i].Applied;
                if (applied > 10_000)
                {
                    _storages[i].CreateSnapshot(applied, _nodes[i].Voters, []);
                    _storages[i].Compact(applied - 10_000);
                }
            }
        }

        private void Pump()
        {
            while (true)
            {
                for (var i = 0; i < _nodes.Length; i++)
                {
                    var node = _nodes[i];
                    if (!node.HasReady)
                    {
                        continue;
                    }

                    var ready = node.GetReady();
                    _storages[i].Persist(ready.HardState, ready.Entries, ready.Snapshot, ready.MustSync);
                    for (var m = 0; m < ready.Messages.Count; m++)
                    {
                        _inFlight.Add(ready.Messages[m]);
                    }

                    // No-op state machine: committed entries are "applied" by advancing.
                    node.Advance(ready);
                }

                if (_inFlight.Count == 0)
                {
                    return;
                }

                _delivering.AddRange(_inFlight);
                _inFlight.Clear();
                foreach (var message in _delivering)
                {
                    _nodes[message.To - 1].Step(message);
                }

                _delivering.Clear();
            }
        }
    }
}
