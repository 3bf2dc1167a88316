using System.Collections.Concurrent;
using System.Text;

namespace JindoMeta.Raft.Tests.Driver;

/// <summary>A key-value state machine: payload "key=value" sets a key; the result is the entry's index.</summary>
internal sealed class KvStateMachine : IRaftStateMachine
{
    private readonly ConcurrentDictionary<string, string> _state = new(StringComparer.Ordinal);

    public ulong AppliedIndex { get; private set; }

    public string? Get(string key) => _state.GetValueOrDefault(key);

    public int Count => _state.Count;

    public object? Apply(Entry entry)
    {
        var text = Encoding.UTF8.GetString(entry.Data);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        _state[text[..equals]] = text[(equals + 1)..];
        AppliedIndex = entry.Index;
        return entry.Index;
    }

    public void WriteSnapshot(Stream destination) => destination.Write(Encoding.UTF8.GetBytes(string.Join('\n', _state.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))));

    public void Restore(Snapshot snapshot)
    {
        _state.Clear();
        foreach (var line in Encoding.UTF8.GetString(snapshot.Data.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            _state[line[..equals]] = line[(equals + 1)..];
        }

        AppliedIndex = snapshot.Index;
    }
}

/// <summary>Counts persist calls and can be told to fail, around a <see cref="MemoryRaftStorage"/>.</summary>
internal sealed class CountingLogStore(MemoryRaftStorage inner) : IRaftLogStore
{
    private int _persists;

    public int Persists => Volatile.Read(ref _persists);

    public bool Fail { get; set; }

    public MemoryRaftStorage Inner => inner;

    public ulong FirstIndex => inner.FirstIndex;

    public ulong LastIndex => inner.LastIndex;

    public RaftInitialState InitialState() => inner.InitialState();

    public StorageStatus Entries(ulong low, ulong high, ulong maxBytes, List<Entry> into) => inner.Entries(low, high, maxBytes, into);

    public StorageStatus Term(ulong index, out ulong term) => inner.Term(index, out term);

    public StorageStatus Snapshot(out Snapshot snapshot) => inner.Snapshot(out snapshot);

    public void Persist(HardState hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot, bool sync)
    {
        if (Fail)
        {
            throw new IOException("simulated disk failure");
        }

        Interlocked.Increment(ref _persists);
        inner.Persist(hardState, entries, snapshot, sync);
    }

    public Snapshot CreateSnapshot(ulong index, IReadOnlyList<ulong> voters, Action<Stream> writeContent) => inner.CreateSnapshot(index, voters, writeContent);

    public SnapshotSink CreateSnapshotSink(SnapshotMetadata metadata, ulong length) => inner.CreateSnapshotSink(metadata, length);

    public void Compact(ulong compactIndex) => inner.Compact(compactIndex);
}

/// <summary>Three drivers on an in-process network with real (short) ticks.</summary>
internal sealed class DriverCluster : IAsyncDisposable
{
    private static readonly ulong[] Voters = [1, 2, 3];
    private readonly ConcurrentDictionary<ulong, RaftDriver> _drivers = new();
    private readonly ConcurrentDictionary<ulong, bool> _isolated = new();
    private readonly ulong _snapshotEvery;

    public DriverCluster(ulong snapshotEvery = 10_000)
    {
        _snapshotEvery = snapshotEvery;
        foreach (var id in Voters)
        {
            Start(id);
        }
    }

    public Dictionary<ulong, KvStateMachine> StateMachines { get; } = [];

    public Dictionary<ulong, CountingLogStore> Stores { get; } = [];

    public RaftDriver this[ulong id] => _drivers[id];

    public void Start(ulong id, bool freshStorage = false)
    {
        if (freshStorage || !Stores.ContainsKey(id))
        {
            Stores[id] = new CountingLogStore(new MemoryRaftStorage(Voters));
            StateMachines[id] = new KvStateMachine();
        }

        var store = Stores[id];
        var driver = new RaftDriver(new RaftDriverOptions
        {
            Raft = new RaftOptions { Id = id, Voters = Voters, Storage = store, ElectionTicks = 10, HeartbeatTicks = 1, Random = new Random((int)id) },
            LogStore = store,
            Transport = new Transport(this),
            StateMachine = StateMachines[id],
            TickInterval = TimeSpan.FromMilliseconds(10),
            SnapshotEveryEntries = _snapshotEvery,
            CompactionMargin = 5,
        });
        _drivers[id] = driver;
        driver.Start();
    }

    public async Task StopAsync(ulong id)
    {
        if (_drivers.TryRemove(id, out var driver))
        {
            await driver.DisposeAsync();
        }
    }

    public void Isolate(ulong id) => _isolated[id] = true;

    public void Heal() => _isolated.Clear();

    public async Task<RaftDriver> WaitForLeaderAsync(ulong? except = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var driver in _drivers.Values)
            {
                if (driver.Summary.Role == RaftRole.Leader && driver.Id != except && !_isolated.ContainsKey(driver.Id))
                {
                    return driver;
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("no leader within 20 s");
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _drivers.Keys.ToList())
        {
            await StopAsync(id);
        }
    }

    private sealed class Transport(DriverCluster cluster) : IRaftTransport
    {
        public void Send(IReadOnlyList<Message> messages)
        {
            foreach (var message in messages)
            {
                if (!cluster._isolated.ContainsKey(message.From) && !cluster._isolated.ContainsKey(message.To) && cluster._drivers.TryGetValue(message.To, out var driver))
                {
                    driver.Receive(message);
                }
            }
        }
    }
}
