using System.Text;

namespace JindoMeta.Raft.Tests.Simulation;

/// <summary>A raft node in the simulation with a key-value state machine. Its <see cref="MemoryRaftStorage"/> is the
/// durable part: a crash keeps it and loses everything else (unstable log, state machine in memory, pending requests).</summary>
internal sealed class SimulatedNode
{
    private readonly Func<MemoryRaftStorage, ulong, RaftNode> _factory;

    public SimulatedNode(ulong id, Func<MemoryRaftStorage, ulong, RaftNode> factory, IReadOnlyList<ulong> voters)
    {
        Id = id;
        _factory = factory;
        Storage = new MemoryRaftStorage(voters);
        Raft = factory(Storage, 0);
    }

    public ulong Id { get; }

    public MemoryRaftStorage Storage { get; }

    public RaftNode Raft { get; private set; }

    public bool IsUp { get; private set; } = true;

    public Dictionary<string, string> State { get; private set; } = new(StringComparer.Ordinal);

    public ulong AppliedIndex { get; private set; }

    /// <summary>Writes proposed here and not yet seen applied: operation id → client request.</summary>
    public Dictionary<long, ClientRequest> PendingWrites { get; } = [];

    /// <summary>Reads waiting for their read index: request id → client request.</summary>
    public Dictionary<ulong, ClientRequest> PendingReads { get; } = [];

    /// <summary>Reads whose read index is known, waiting for the state machine to reach it.</summary>
    public List<(ulong Index, ClientRequest Request)> ReadyReads { get; } = [];

    public void Crash()
    {
        IsUp = false;
        PendingWrites.Clear();
        PendingReads.Clear();
        ReadyReads.Clear();
        State = new(StringComparer.Ordinal);
    }

    public void Restart()
    {
        Storage.Snapshot(out var snapshot);
        State = Decode(snapshot.Data.ToArray());
        AppliedIndex = snapshot.Index;
        Raft = _factory(Storage, snapshot.Index);
        IsUp = true;
    }

    public static byte[] Encode(Dictionary<string, string> state)
        => Encoding.UTF8.GetBytes(string.Concat(state.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}\n")));

    public static Dictionary<string, string> Decode(byte[] data)
    {
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            state[line[..equals]] = line[(equals + 1)..];
        }

        return state;
    }

    /// <summary>Installs a snapshot received from the leader.</summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        State = Decode(snapshot.Data.ToArray());
        AppliedIndex = snapshot.Index;
    }

    /// <summary>Applies one committed entry; returns the write's operation id (0 for the leader's empty entries).</summary>
    public long Apply(Entry entry)
    {
        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvalidOperationException($"node {Id} applied {entry.Index} after {AppliedIndex}: entries must be applied in order without gaps");
        }

        AppliedIndex = entry.Index;
        if (entry.Data.Length == 0)
        {
            return 0;
        }

        var (operationId, key, value) = DecodeWrite(entry.Data);
        State[key] = value;
        return operationId;
    }

    public static byte[] EncodeWrite(long operationId, string key, string value)
        => Encoding.UTF8.GetBytes($"{operationId}|{key}|{value}");

    public static (long OperationId, string Key, string Value) DecodeWrite(byte[] data)
    {
        var parts = Encoding.UTF8.GetString(data).Split('|');
        return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], parts[2]);
    }
}

/// <summary>An operation a simulated client has in flight.</summary>
internal sealed class ClientRequest(int client, long operationId, string key, bool isPut, string? value, long invoked)
{
    public int Client { get; } = client;

    public long OperationId { get; } = operationId;

    public string Key { get; } = key;

    public bool IsPut { get; } = isPut;

    public string? Value { get; } = value;

    public long Invoked { get; } = invoked;

    public ulong NodeId { get; set; }

    public bool Completed { get; set; }
}
