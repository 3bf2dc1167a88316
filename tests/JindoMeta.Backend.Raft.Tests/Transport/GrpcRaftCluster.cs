using System.Globalization;
using System.Text;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Three raft drivers on 127.0.0.1, 127.0.0.2 and 127.0.0.3, connected only through the real gRPC transport
/// and peer hosts; one <see cref="PartitionFaults"/> hook shared by the three transports.</summary>
internal sealed class GrpcRaftCluster : IAsyncDisposable
{
    public static readonly ulong[] Voters = [1, 2, 3];

    private readonly ITestOutputHelper _output;
    private readonly Dictionary<ulong, GrpcRaftNode> _nodes = [];

    private GrpcRaftCluster(ITestOutputHelper output, InitialConfiguration configuration, GrpcRaftClusterOptions options)
    {
        _output = output;
        Configuration = configuration;
        Options = options;
    }

    public GrpcRaftClusterOptions Options { get; }

    public InitialConfiguration Configuration { get; }

    public PartitionFaults Faults { get; } = new();

    public GrpcRaftNode this[ulong id] => _nodes[id];

    public IEnumerable<GrpcRaftNode> Nodes => _nodes.Values;

    public static async Task<GrpcRaftCluster> StartAsync(ITestOutputHelper output, GrpcRaftClusterOptions? options = null)
    {
        var members = Voters.Select(id => string.Create(CultureInfo.InvariantCulture, $"{Loopback.AddressOf(id)}:{Loopback.FreePort(Loopback.AddressOf(id))}:0"));
        var cluster = new GrpcRaftCluster(output, InitialConfiguration.Parse(string.Join(',', members)), options ?? new GrpcRaftClusterOptions());
        foreach (var id in Voters)
        {
            cluster._nodes[id] = await GrpcRaftNode.StartAsync(cluster, id);
        }

        return cluster;
    }

    public async Task<RaftDriver> WaitForLeaderAsync(Func<RaftDriver, bool>? where = null)
    {
        RaftDriver? leader = null;
        await Loopback.WaitUntilAsync(
            () => (leader = _nodes.Values.Select(node => node.Driver).FirstOrDefault(d => d.Summary.Role == RaftRole.Leader && !Faults.IsIsolated(d.Id) && (where?.Invoke(d) ?? true))) is not null,
            "a leader is elected");
        return leader!;
    }

    /// <summary>Proposes <c>{prefix}{i}</c> for i in [0, count), <paramref name="window"/> at a time, retrying on whichever
    /// node leads when a proposal is refused or its outcome is lost (so a payload may be applied twice, never zero times).</summary>
    public async Task ProposeAllAsync(string prefix, int count, int window = 128)
    {
        for (var start = 0; start < count; start += window)
        {
            var tasks = Enumerable.Range(start, Math.Min(window, count - start)).Select(i => ProposeWithRetryAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}")));
            await Task.WhenAll(tasks);
        }
    }

    public TestOutputLogger Logger(string category) => new(_output, category);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }
    }

    private async Task ProposeWithRetryAsync(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var leader = await WaitForLeaderAsync();
            try
            {
                await leader.ProposeAsync(bytes).WaitAsync(TimeSpan.FromSeconds(30));
                return;
            }
            catch (Exception error) when (error is RaftNotLeaderException or RaftLeadershipLostException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>One node: driver, transport, receiver and (restartable) peer host.</summary>
    internal sealed class GrpcRaftNode : IAsyncDisposable
    {
        private readonly GrpcRaftCluster _cluster;
        private RaftPeerHost? _host;

        private GrpcRaftNode(GrpcRaftCluster cluster, ulong id)
        {
            _cluster = cluster;
            Id = id;
            Member = cluster.Configuration.Members.Single(member => member.NodeId == id);
            Store = new MemoryRaftStorage(Voters);
            Machine = new RecordingStateMachine();
            Receiver = new RaftPeerReceiver(id, cluster.Configuration, Deliver, cluster.Logger($"receiver{id}"));
            Transport = new GrpcRaftTransport(new GrpcRaftTransportOptions
            {
                SelfId = id,
                Configuration = cluster.Configuration,
                Faults = cluster.Faults,
                Random = new Random((int)id),
                Logger = cluster.Logger($"transport{id}"),
            });
            Driver = new RaftDriver(new RaftDriverOptions
            {
                // 50 ms ticks, 10 election ticks: elections in 0.5-1 s, slack enough for a loaded 2-core machine.
                Raft = new RaftOptions { Id = id, Voters = Voters, Storage = Store, ElectionTicks = 10, HeartbeatTicks = 1, MaxSnapshotChunkBytes = cluster.Options.MaxSnapshotChunkBytes, Random = new Random((int)id) },
                LogStore = Store,
                Transport = Transport,
                StateMachine = Machine,
                TickInterval = TimeSpan.FromMilliseconds(50),
                SnapshotEveryEntries = cluster.Options.SnapshotEveryEntries,
                CompactionMargin = cluster.Options.CompactionMargin,
            });
        }

        public ulong Id { get; }

        public RaftMember Member { get; }

        public MemoryRaftStorage Store { get; }

        public RecordingStateMachine Machine { get; }

        public RaftPeerReceiver Receiver { get; }

        public GrpcRaftTransport Transport { get; }

        public RaftDriver Driver { get; }

        public static async Task<GrpcRaftNode> StartAsync(GrpcRaftCluster cluster, ulong id)
        {
            var node = new GrpcRaftNode(cluster, id);
            await node.StartHostAsync();
            node.Driver.Start();
            return node;
        }

        private void Deliver(Message message) => Driver.Receive(message);

        /// <summary>Starts the peer listener on the node's configured port (again, after <see cref="StopHostAsync"/>).</summary>
        public async Task StartHostAsync()
        {
            _host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(Id), Port = Member.Port, Receivers = RaftPeerReceivers.Of(Receiver) });
        }

        /// <summary>Closes the listener: the node hears nothing, while its driver and transport keep running.</summary>
        public async Task StopHostAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
                _host = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Driver.DisposeAsync();
            await Transport.DisposeAsync();
            await StopHostAsync();
        }
    }
}
