using System.Globalization;

namespace JindoMeta.Raft.Tests.Simulation;

/// <summary>Options of one simulation run; everything random derives from <see cref="Seed"/>.</summary>
/// <param name="UnsafeLocalReads">Serve reads from whichever node the client asks, without ReadIndex. Deliberately wrong:
/// used to show the linearizability checker catches stale reads.</param>
/// <param name="ReadMode">Force a read mode on every node (null: chosen per seed).</param>
/// <param name="SlowLeaderClock">Whichever node leads ticks at a quarter of the others' rate, to break the lease assumption.</param>
public sealed record SimulationOptions(int Seed, int Nodes, int ChaosSteps = 500, int HealSteps = 400, int Clients = 4, bool Trace = false, bool UnsafeLocalReads = false, ReadOnlyMode? ReadMode = null, bool SlowLeaderClock = false);

/// <summary>What a run did, for checking that the chaos actually exercised the interesting paths.</summary>
public sealed record SimulationResult(string? Failure, int Elections, int Crashes, int Partitions, int SnapshotsInstalled, int WritesAcknowledged, int ReadsServed, int Operations, string TraceTail);

/// <summary>
/// A deterministic simulation of a raft cluster serving a key-value store to clients, under random partitions,
/// message drop, delay, duplication and reordering, crashes and restarts, and log compaction with snapshots.
/// Safety invariants are checked after every step; after the chaos, the network heals and liveness is checked; the
/// clients' history is checked for linearizability at the end.
/// </summary>
internal sealed partial class KvSimulation
{
    private static readonly string[] Keys = ["a", "b", "c"];

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly SimulatedNode[] _nodes;
    private readonly List<InFlight> _network = [];
    private readonly int[] _group;
    private readonly int[] _downUntil;
    private readonly ClientRequest?[] _clientRequests;
    private readonly ulong[] _clientLeaderGuess;
    private readonly List<KvOperation> _history = [];
    private readonly Queue<string> _trace = new();
    private readonly double _dropRate;
    private readonly double _duplicateRate;
    private readonly int _maxDelay;
    private readonly int _snapshotInterval;
    private long _now;
    private long _nextOperationId = 1;
    private ulong _nextReadId = 1;
    private long _nextSequence;
    private int _partitionUntil = -1;
    private bool _chaos = true;
    private int _elections;
    private int _crashes;
    private int _partitions;
    private int _snapshotsInstalled;
    private int _writesAcknowledged;
    private int _readsServed;

    public KvSimulation(SimulationOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        var voters = Enumerable.Range(1, options.Nodes).Select(i => (ulong)i).ToArray();
        var preVote = _random.Next(4) != 0;
        var checkQuorum = _random.Next(4) != 0 || options.ReadMode == ReadOnlyMode.LeaseBased;
        var chunk = 16 << _random.Next(4);
        var maxBytes = (ulong)(64 << _random.Next(4));
        var inflight = 1 + _random.Next(8);
        var readMode = options.ReadMode ?? (checkQuorum && _random.Next(3) == 0 ? ReadOnlyMode.LeaseBased : ReadOnlyMode.Safe);
        _nodes = new SimulatedNode[options.Nodes];
        for (var i = 0; i < options.Nodes; i++)
        {
            var id = voters[i];
            var nodeRandom = new Random(options.Seed * 31 + i);
            _nodes[i] = new SimulatedNode(id, (storage, applied) => new RaftNode(new RaftOptions
            {
                Id = id,
                Voters = voters,
                Storage = storage,
                Applied = applied,
                ElectionTicks = 10,
                HeartbeatTicks = 2,
                PreVote = preVote,
                CheckQuorum = checkQuorum,
                MaxMessageBytes = maxBytes,
                MaxInflightMessages = inflight,
                MaxSnapshotChunkBytes = chunk,
                ReadOnlyMode = readMode,
                Random = nodeRandom,
            }), voters);
        }

        _group = new int[options.Nodes];
        _downUntil = new int[options.Nodes];
        _clientRequests = new ClientRequest?[options.Clients];
        _clientLeaderGuess = new ulong[options.Clients];
        _dropRate = _random.NextDouble() * 0.15;
        _duplicateRate = _random.NextDouble() * 0.1;
        _maxDelay = _random.Next(5);
        _snapshotInterval = 5 + _random.Next(30);
        Trace($"config prevote={preVote} checkquorum={checkQuorum} reads={readMode} chunk={chunk} maxbytes={maxBytes} inflight={inflight} drop={_dropRate:F2} dup={_duplicateRate:F2} delay={_maxDelay} snapshot-every={_snapshotInterval}");
    }

    public SimulationResult Run()
    {
        string? failure;
        try
        {
            failure = RunPhases();
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException or NullReferenceException)
        {
            failure = $"exception at step {_now}: {error}";
        }

        return new SimulationResult(failure, _elections, _crashes, _partitions, _snapshotsInstalled, _writesAcknowledged, _readsServed, _history.Count, string.Join('\n', _trace));
    }

    private string? RunPhases()
    {
        for (var step = 0; step < _options.ChaosSteps; step++)
        {
            if (Step() is { } violation)
            {
                return violation;
            }
        }

        // Heal: reconnect everything, restart crashed nodes, make the network reliable.
        _chaos = false;
        Array.Fill(_group, 0);
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (!_nodes[i].IsUp)
            {
                RestartNode(i);
            }
        }

        Trace("healed");
        var healedAt = _now;
        var settledSince = -1L;

        // Settled means one leader that everyone follows, all caught up, stable for two election timeouts (so that
        // elections already under way when the network healed have played out) and no client still waiting.
        while (settledSince < 0 || _now - settledSince < 20 || _clientRequests.Any(r => r is not null))
        {
            if (_now - healedAt > _options.HealSteps)
            {
                return $"liveness: no settled leader {_options.HealSteps} steps after healing ({DescribeNodes()})";
            }

            if (Step() is { } violation)
            {
                return violation;
            }

            settledSince = ClusterSettled() ? (settledSince < 0 ? _now : settledSince) : -1;
        }

        return CheckProposalsAfterHealing() ?? CheckConvergence() ?? LinearizabilityChecker.Check(_history);
    }

    private string? CheckProposalsAfterHealing()
    {
        var leader = _nodes.First(n => n.Raft.Role == RaftRole.Leader);
        var submitted = new List<ClientRequest>();
        for (var client = 0; client < _clientRequests.Length; client++)
        {
            var request = new ClientRequest(client, _nextOperationId++, Keys[client % Keys.Length], isPut: true, $"final-{client}", _now);
            _clientRequests[client] = request;
            if (!Submit(request, leader))
            {
                return $"liveness: proposal after healing refused by leader {leader.Id}";
            }

            submitted.Add(request);
        }

        var deadline = _now + 100;
        while (submitted.Any(r => !r.Completed))
        {
            if (_now > deadline)
            {
                return $"liveness: proposals submitted after healing did not commit within 100 steps ({DescribeNodes()})";
            }

            if (Step() is { } violation)
            {
                return violation;
            }
        }

        // Let followers learn the final commit index.
        for (var i = 0; i < 20; i++)
        {
            if (Step() is { } violation)
            {
                return violation;
            }
        }

        return null;
    }

    private string? CheckConvergence()
    {
        var reference = _nodes[0];
        foreach (var node in _nodes)
        {
            if (node.AppliedIndex != reference.AppliedIndex)
            {
                return $"convergence: node {node.Id} applied {node.AppliedIndex}, node {reference.Id} applied {reference.AppliedIndex}";
            }

            if (!node.State.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(reference.State.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
            {
                return $"convergence: node {node.Id} state differs from node {reference.Id} at applied index {node.AppliedIndex}";
            }
        }

        return null;
    }

    private bool ClusterSettled()
    {
        var leaders = _nodes.Where(n => n.Raft.Role == RaftRole.Leader).ToList();
        if (leaders.Count != 1)
        {
            return false;
        }

        var leader = leaders[0];

        // A pending transfer refuses proposals until it completes or times out.
        return leader.Raft.LeadTransferee == RaftNode.None && _nodes.All(n => n.Raft.Leader == leader.Id && n.Raft.Term == leader.Raft.Term && n.AppliedIndex == leader.Raft.Committed);
    }

    private string DescribeNodes() => string.Join("; ", _nodes.Select(n =>
        $"{n.Id}:{(n.IsUp ? n.Raft.Role.ToString() : "down")} t{n.Raft.Term} lead{n.Raft.Leader} c{n.Raft.Committed} a{n.AppliedIndex} l{n.Raft.LastIndex}"));

    private void Trace(string text)
    {
        if (!_options.Trace)
        {
            return;
        }

        _trace.Enqueue(string.Create(CultureInfo.InvariantCulture, $"[{_now}] {text}"));
        if (_trace.Count > 400)
        {
            _trace.Dequeue();
        }
    }

    private readonly record struct InFlight(long DeliverAt, long Sequence, Message Message);
}
