using JindoMeta.Raft;

namespace JindoMeta.Raft.Tests.Harness;

/// <summary>A raft node with in-memory "durable" storage and a record of what it applied; processes Readys
/// the way the real driver does (persist, then send, then apply, then advance).</summary>
public sealed class TestNode
{
    private readonly Func<MemoryRaftStorage, ulong, RaftNode> _factory;
    private int _appliedAtSnapshot;

    public TestNode(ulong id, IReadOnlyList<ulong> voters, int seed, Action<RaftOptionsBuilder>? configure = null, Action<MemoryRaftStorage>? prepare = null)
    {
        Id = id;
        Storage = new MemoryRaftStorage(voters);
        prepare?.Invoke(Storage);
        var builder = new RaftOptionsBuilder();
        configure?.Invoke(builder);
        _factory = (storage, applied) => new RaftNode(builder.Build(id, voters, storage, applied, new Random(seed + (int)id * 7919)));
        Raft = _factory(Storage, 0);
    }

    public ulong Id { get; }

    public MemoryRaftStorage Storage { get; }

    public RaftNode Raft { get; private set; }

    public List<Entry> Applied { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    /// <summary>Installed snapshots' data, for state machine tests.</summary>
    public Snapshot? InstalledSnapshot { get; private set; }

    /// <summary>Runs one Ready cycle; returns the messages to send.</summary>
    public IReadOnlyList<Message> ProcessReady()
    {
        if (!Raft.HasReady)
        {
            return [];
        }

        var ready = Raft.GetReady();
        CompleteReady(ready);
        return ready.Messages;
    }

    /// <summary>Persists, applies and advances a Ready obtained by the caller (messages are the caller's business).</summary>
    public void CompleteReady(Ready ready)
    {
        if (!ready.HardState.IsEmpty)
        {
            Storage.SetHardState(ready.HardState);
        }

        if (ready.Snapshot is { } snapshot)
        {
            Storage.ApplySnapshot(snapshot);
            InstalledSnapshot = snapshot;
            _appliedAtSnapshot = Applied.Count;
        }

        Storage.Append(ready.Entries);
        Applied.AddRange(ready.CommittedEntries);
        ReadStates.AddRange(ready.ReadStates);
        Raft.Advance(ready);
    }

    /// <summary>The applied payloads as text (after any installed snapshot's text): the test state machine.</summary>
    public string StateMachineText()
    {
        var applied = string.Concat(Applied.Skip(_appliedAtSnapshot).Where(e => e.Data.Length > 0).Select(e => System.Text.Encoding.UTF8.GetString(e.Data) + ";"));
        return (InstalledSnapshot is null ? "" : System.Text.Encoding.UTF8.GetString(InstalledSnapshot.Data.ToArray())) + applied;
    }

    /// <summary>Simulates a crash and restart: everything not in storage is lost.</summary>
    public void Restart()
    {
        var applied = Applied.Count > 0 ? Applied[^1].Index : (InstalledSnapshot?.Index ?? 0);
        Raft = _factory(Storage, Math.Min(applied, Storage.HardState.Commit));
    }
}

/// <summary>Options shared by every node of a test cluster.</summary>
public sealed class RaftOptionsBuilder
{
    public int ElectionTicks { get; set; } = 10;

    public int HeartbeatTicks { get; set; } = 1;

    public bool PreVote { get; set; }

    public bool CheckQuorum { get; set; }

    public ReadOnlyMode ReadOnlyMode { get; set; } = ReadOnlyMode.Safe;

    public ulong MaxMessageBytes { get; set; } = 1 << 20;

    public int MaxInflightMessages { get; set; } = 256;

    public int MaxSnapshotChunkBytes { get; set; } = 1 << 20;

    public RaftOptions Build(ulong id, IReadOnlyList<ulong> voters, IRaftStorage storage, ulong applied, Random random) => new()
    {
        Id = id,
        Voters = voters,
        Storage = storage,
        Applied = applied,
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        ReadOnlyMode = ReadOnlyMode,
        MaxMessageBytes = MaxMessageBytes,
        MaxInflightMessages = MaxInflightMessages,
        MaxSnapshotChunkBytes = MaxSnapshotChunkBytes,
        Random = random,
    };
}

public static class TestNodeExtensions
{
    /// <summary>Moves a fresh node to <paramref name="term"/> by showing it a heartbeat of that term from a peer and then
    /// forgetting the leader; used to arrange "this node is at term T" without scripting an election.</summary>
    public static void SetTermForTest(this TestNode node, ulong term)
    {
        var peer = node.Raft.Voters.First(v => v != node.Id);
        node.Raft.Step(new Message { Type = MessageType.Heartbeat, From = peer, To = node.Id, Term = term });
        node.ProcessReady();
    }
}
