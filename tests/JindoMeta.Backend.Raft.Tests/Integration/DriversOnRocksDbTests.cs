using System.Collections.Concurrent;
using System.Text;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.Tests.LogStore;
using JindoMeta.Backend.Raft.Tests.Support;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Integration;

/// <summary>Three raft drivers, each on its own RocksDB log store: a node stopped and reopened from disk keeps its log
/// and catches up with what it missed.</summary>
public sealed class DriversOnRocksDbTests
{
    private static readonly ulong[] Voters = [1, 2, 3];

    [Fact]
    public async Task Node_reopened_from_its_RocksDB_log_rejoins_and_catches_up()
    {
        using var root = new TempDirectory();
        var drivers = new ConcurrentDictionary<ulong, RaftDriver>();
        var stores = new Dictionary<ulong, RocksRaftLogStore>();
        var machines = new Dictionary<ulong, ListStateMachine>();

        void Start(ulong id)
        {
            var store = RocksRaftLogStore.Open(Path.Combine(root.Path, $"node{id}"), Voters);
            stores[id] = store;
            machines[id] = new ListStateMachine();
            var driver = new RaftDriver(new RaftDriverOptions
            {
                Raft = new RaftOptions { Id = id, Voters = Voters, Storage = store, Random = new Random((int)id) },
                LogStore = store,
                Transport = new InProcessRaftTransport(drivers),
                StateMachine = machines[id],
                TickInterval = TimeSpan.FromMilliseconds(10),
            });
            drivers[id] = driver;
            driver.Start();
        }

        async Task Stop(ulong id)
        {
            drivers.TryRemove(id, out var driver);
            await driver!.DisposeAsync();
            stores[id].Dispose();
        }

        try
        {
            foreach (var id in Voters)
            {
                Start(id);
            }

            var leader = await WaitForLeader(drivers);
            for (var i = 0; i < 30; i++)
            {
                await leader.ProposeAsync(Encoding.UTF8.GetBytes($"a{i}"));
            }

            var stopped = leader.Id == 3 ? 2ul : 3ul;
            await WaitUntil(() => machines[stopped].Applied.Count == 30, "the follower applied the first writes");
            var lastBeforeStop = stores[stopped].LastIndex;
            await Stop(stopped);
            for (var i = 0; i < 30; i++)
            {
                await leader.ProposeAsync(Encoding.UTF8.GetBytes($"b{i}"));
            }

            Start(stopped);
            Assert.True(stores[stopped].LastIndex >= lastBeforeStop, "the reopened store kept its log");
            await WaitUntil(() => machines[stopped].Applied.Count == 60, "the reopened node replayed and caught up");
            Assert.Equal(machines[leader.Id].Applied, machines[stopped].Applied);
        }
        finally
        {
            foreach (var id in drivers.Keys.ToList())
            {
                await Stop(id);
            }
        }
    }

    private static async Task<RaftDriver> WaitForLeader(ConcurrentDictionary<ulong, RaftDriver> drivers)
    {
        RaftDriver? leader = null;
        await WaitUntil(() => (leader = drivers.Values.FirstOrDefault(d => d.Summary.Role == RaftRole.Leader)) is not null, "a leader is elected");
        return leader!;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Records applied payloads in order; not durable, so a restart replays the log.</summary>
    private sealed class ListStateMachine : IRaftStateMachine
    {
        private readonly ConcurrentQueue<string> _applied = new();

        public List<string> Applied => [.. _applied];

        public ulong AppliedIndex { get; private set; }

        public object? Apply(Entry entry)
        {
            _applied.Enqueue(Encoding.UTF8.GetString(entry.Data));
            AppliedIndex = entry.Index;
            return null;
        }

        public void WriteSnapshot(Stream destination) => destination.Write(Encoding.UTF8.GetBytes(string.Join('\n', _applied)));

        public void Restore(Snapshot snapshot)
        {
            _applied.Clear();
            foreach (var line in Encoding.UTF8.GetString(snapshot.Data.ReadAll()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                _applied.Enqueue(line);
            }

            AppliedIndex = snapshot.Index;
        }
    }
}
