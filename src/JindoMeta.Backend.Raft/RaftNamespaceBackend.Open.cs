using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;
using JindoMeta.RocksDb;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft;

/// <summary>What one header node needs to run one namespace on the raft backend: each namespace is its own raft
/// group (log, state, leader), and the groups of a node share its peer listener.</summary>
public sealed record RaftBackendOptions
{
    public required RaftTopology Topology { get; init; }

    /// <summary>The namespace: the raft group's name on the peer port (every node must serve the same ones).</summary>
    public required string Namespace { get; init; }

    /// <summary>This namespace's directory on this node: raft-log/ (synced) and state/ live under it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>This node's peer listener (port 8103), shared by its namespaces; the backend registers its group there.</summary>
    public required RaftPeerHost PeerHost { get; init; }

    public RocksDbOptions Storage { get; init; } = new();

    /// <summary>Applied entries between two snapshots (<see cref="RaftDriverOptions.SnapshotEveryEntries"/>).</summary>
    public ulong SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>Entries kept behind a snapshot (<see cref="RaftDriverOptions.CompactionMargin"/>).</summary>
    public ulong CompactionMargin { get; init; } = 1_000;

    public ILoggerFactory? Loggers { get; init; }

    /// <summary>How reads confirm leadership: <see cref="ReadOnlyMode.Safe"/> (ReadIndex, a heartbeat round per batch
    /// of reads) or <see cref="ReadOnlyMode.LeaseBased"/> (no round; assumes bounded clock drift, see the core's README).</summary>
    public ReadOnlyMode ReadMode { get; init; } = ReadOnlyMode.Safe;

    /// <summary>
    /// Recovery mode (<c>namespace.backend.raft.recovery.mode</c>, set alike on every node): writes are refused with
    /// 25021 until a restart with it off, the leader loads the replica through the log (<see cref="RaftNamespaceBackend.LoadRowsAsync"/>),
    /// and a state that holds metadata of its own is refused at start.
    /// </summary>
    public bool RecoveryMode { get; init; }

    /// <summary>Test only: a fault-rule file shared by the nodes of a test (<see cref="FileRaftFaults"/>); null in production.</summary>
    public string? FaultRulesFile { get; init; }
}

public sealed partial class RaftNamespaceBackend
{
    private IDisposable? _peerRegistration;
    private GrpcRaftTransport? _transport;
    private RocksRaftLogStore? _log;
    private Diagnostics.RaftMetrics? _metrics;
    private FileRaftFaults? _faults;

    private string? _disagreement;

    /// <summary>Raised (once or more, on any thread) with a one-line description when a peer has another member list:
    /// the host stops this node rather than run a split cluster. It may fire before the host subscribes: see <see cref="Disagreement"/>.</summary>
    public event Action<string>? PeersDisagree;

    /// <summary>The first disagreement seen since start, kept so a host that subscribes late still learns of it.</summary>
    public string? Disagreement => Volatile.Read(ref _disagreement);

    /// <summary>Opens the log and the state, joins the namespace's group to the peer listener and starts the driver.</summary>
    public static async Task<RaftNamespaceBackend> StartAsync(RaftBackendOptions options, PermissionSettings permissions, TimeProvider clock)
    {
        var topology = options.Topology;
        var self = topology.Self;
        var voters = topology.Peers.Select(p => p.NodeId).ToArray();
        var logger = options.Loggers?.CreateLogger("JindoMeta.Backend.Raft");
        Directory.CreateDirectory(options.DataDirectory);
        var log = RocksRaftLogStore.Open(Path.Combine(options.DataDirectory, "raft-log"), voters, options.Storage, logger);
        NamespaceStateMachine? stateMachine = null;
        GrpcRaftTransport? transport = null;
        RaftDriver? driver = null;
        var faults = options.FaultRulesFile is { } rules
            ? new FileRaftFaults(rules, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, clock)
            : null;
        try
        {
            stateMachine = NamespaceStateMachine.Open(
                new NamespaceStateMachineOptions { Directory = Path.Combine(options.DataDirectory, "state"), Storage = options.Storage }, permissions);
            if (options.RecoveryMode)
            {
                RefuseOwnMetadata(stateMachine, options.DataDirectory);
            }

            var raft = new RaftOptions { Id = self.NodeId, Voters = voters, Storage = log, ReadOnlyMode = options.ReadMode };
            var transportOptions = new GrpcRaftTransportOptions
            {
                SelfId = self.NodeId,
                Configuration = topology.Configuration,
                Group = options.Namespace,
                Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
                Faults = faults,
                Tls = options.PeerHost.Tls,
            };
            transportOptions.ValidateAgainst(raft);
            transport = new GrpcRaftTransport(transportOptions);
            driver = new RaftDriver(new RaftDriverOptions
            {
                Raft = raft,
                LogStore = log,
                Transport = transport,
                StateMachine = stateMachine,
                TimeProvider = clock,
                SnapshotEveryEntries = options.SnapshotEveryEntries,
                CompactionMargin = options.CompactionMargin,
            });
            var receiver = new RaftPeerReceiver(self.NodeId, topology.Configuration, driver.Receive, logger);
            RaftNamespaceBackend? started = null;
            void OnRefused(RaftPeerRefusal refusal)
            {
                // A peer with another member list (either side can notice first) means this cluster is misconfigured:
                // running on would split it. A foreign or broken client (missing headers, lying sender) is only logged.
                if (refusal.Reason is RaftPeerRefusalReason.ConfigurationMismatch or RaftPeerRefusalReason.RefusedByPeer)
                {
                    if (started is { } backend)
                    {
                        Interlocked.CompareExchange(ref backend._disagreement, refusal.Description, null);
                        backend.PeersDisagree?.Invoke(refusal.Description);
                    }
                }
            }

            receiver.Refused += OnRefused;
            transport.PeerRefused += OnRefused;
            options.PeerHost.Receivers.Refused += OnRefused; // a peer replicating a namespace this node does not serve
            started = new RaftNamespaceBackend(driver, stateMachine, topology, clock)
            {
                _peerRegistration = options.PeerHost.Receivers.Register(options.Namespace, receiver),
                _transport = transport,
                _log = log,
                _faults = faults,
                _recoveryMode = options.RecoveryMode,
                _metrics = new Diagnostics.RaftMetrics(options.Namespace, driver, stateMachine, topology),
            };
            driver.Start();
            return started;
        }
        catch
        {
            if (driver is not null)
            {
                await driver.DisposeAsync().ConfigureAwait(false);
            }

            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            stateMachine?.Dispose();
            log.Dispose();
            if (faults is not null)
            {
                await faults.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}
