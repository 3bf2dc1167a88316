using JindoMeta.Raft;

namespace JindoMeta.Raft.Tests.Harness;

/// <summary>A cluster of <see cref="TestNode"/>s joined by a synchronous, fully controllable network: messages
/// queue until delivered; links can be cut and nodes isolated.</summary>
public sealed class TestCluster
{
    private readonly HashSet<(ulong From, ulong To)> _cut = [];

    public TestCluster(int size, int seed = 1, Action<RaftOptionsBuilder>? configure = null)
    {
        var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        foreach (var id in voters)
        {
            Nodes[id] = new TestNode(id, voters, seed, configure);
        }
    }

    public SortedDictionary<ulong, TestNode> Nodes { get; } = [];

    /// <summary>Replaces node <paramref name="id"/> with one whose stored log has the given entry terms (index 1..n)
    /// and whose stored current term is <paramref name="term"/>.</summary>
    public void SetLog(ulong id, ulong[] entryTerms, ulong term, int seed = 1, Action<RaftOptionsBuilder>? configure = null)
    {
        var voters = Nodes.Keys.ToArray();
        Nodes[id] = new TestNode(id, voters, seed, configure, storage =>
        {
            storage.Append([.. entryTerms.Select((t, i) => new Entry((ulong)i + 1, t, []))]);
            storage.SetHardState(new HardState(term, 0, 0));
        });
    }

    /// <summary>Messages sent and not yet delivered, in send order.</summary>
    public List<Message> InFlight { get; } = [];

    public TestNode this[ulong id] => Nodes[id];

    public RaftNode Raft(ulong id) => Nodes[id].Raft;

    public void Cut(ulong a, ulong b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void Isolate(ulong id)
    {
        foreach (var other in Nodes.Keys.Where(other => other != id))
        {
            Cut(id, other);
        }
    }

    public void Heal() => _cut.Clear();

    public bool IsCut(ulong from, ulong to) => _cut.Contains((from, to));

    /// <summary>Collects every node's Ready output into <see cref="InFlight"/> (dropping messages on cut links).</summary>
    public void ProcessReadys()
    {
        foreach (var node in Nodes.Values)
        {
            foreach (var message in node.ProcessReady())
            {
                if (!IsCut(message.From, message.To))
                {
                    InFlight.Add(message);
                }
            }
        }
    }

    /// <summary>Delivers messages until the cluster is quiet; returns how many were delivered.</summary>
    public int Stabilize(int limit = 100_000)
    {
        var delivered = 0;
        ProcessReadys();
        while (InFlight.Count > 0)
        {
            var batch = InFlight.ToArray();
            InFlight.Clear();
            foreach (var message in batch)
            {
                Nodes[message.To].Raft.Step(message);
                delivered++;
            }

            ProcessReadys();
            if (delivered > limit)
            {
                throw new InvalidOperationException("The cluster did not stabilize.");
            }
        }

        return delivered;
    }

    public void Campaign(ulong id)
    {
        Nodes[id].Raft.Campaign();
        Stabilize();
    }

    public ProposeResult Propose(ulong id, string data)
    {
        var result = Nodes[id].Raft.Propose(System.Text.Encoding.UTF8.GetBytes(data));
        Stabilize();
        return result;
    }

    public void TickAll(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var node in Nodes.Values)
            {
                node.Raft.Tick();
            }

            Stabilize();
        }
    }

    public ulong? Leader()
    {
        var leaders = Nodes.Values.Where(n => n.Raft.Role == RaftRole.Leader).OrderByDescending(n => n.Raft.Term).ToList();
        return leaders.Count == 0 ? null : leaders[0].Id;
    }

    public List<Entry> Log(ulong id)
    {
        var entries = new List<Entry>();
        var raft = Nodes[id].Raft;
        raft.ReadLog(raft.Status().FirstIndex, raft.LastIndex + 1, entries);
        return entries;
    }
}
