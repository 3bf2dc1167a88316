using System.Net;
using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;
using JindoMeta.RocksDb;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft;

/// <summary>What one header node needs to run one namespace on the raft backend.</summary>
public sealed record RaftBackendOptions
{
    public required RaftTopology Topology { get; init; }

    /// <summary>This namespace's directory on this node: raft-log/ (synced) and state/ live under it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The address the peer listener binds (the node's own address; 0.0.0.0 for every address).</summary>
    public required IPAddress PeerBindAddress { get; init; }

    public RocksDbOptions Storage { get; init; } = new();

    public ILoggerFactory? Loggers { get; init; }
}

public sealed partial class RaftNamespaceBackend
{
    private RaftPeerHost? _peerHost;
    private GrpcRaftTransport? _transport;
    private RocksRaftLogStore? _log;

    /// <summary>Opens the log and the state, starts the peer listener on this node's raft port and the driver.</summary>
    /// <exception cref="IOException">The raft port cannot be bound.</exception>
    public static async Task<RaftNamespaceBackend> StartAsync(RaftBackendOptions options, PermissionSettings permissions, TimeProvider clock)
    {
        var topology = options.Topology;
        var self = topology.Self;
        var voters = topology.Peers.Select(p => p.NodeId).ToArray();
        var logger = options.Loggers?.CreateLogger("JindoMeta.Backend.Raft");
        Directory.CreateDirectory(options.DataDirectory);
        var log = RocksRaftLogStore.Open(Path.Combine(options.DataDirectory, "raft-log"), voters, options.Storage);
        NamespaceStateMachine? stateMachine = null;
        GrpcRaftTransport? transport = null;
        RaftDriver? driver = null;
        try
        {
            stateMachine = NamespaceStateMachine.Open(
                new NamespaceStateMachineOptions { Directory = Path.Combine(options.DataDirectory, "state"), Storage = options.Storage }, permissions);
            transport = new GrpcRaftTransport(new GrpcRaftTransportOptions
            {
                SelfId = self.NodeId,
                Configuration = topology.Configuration,
                Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            });
            driver = new RaftDriver(new RaftDriverOptions
            {
                Raft = new RaftOptions { Id = self.NodeId, Voters = voters, Storage = log },
                LogStore = log,
                Transport = transport,
                StateMachine = stateMachine,
                TimeProvider = clock,
            });
            var receiver = new RaftPeerReceiver(self.NodeId, topology.Configuration, driver.Receive, logger);
            var host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions
            {
                Address = options.PeerBindAddress,
                Port = topology.SelfPeerPort,
                Receiver = receiver,
            }).ConfigureAwait(false);
            driver.Start();
            return new RaftNamespaceBackend(driver, stateMachine, topology, clock) { _peerHost = host, _transport = transport, _log = log };
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
            throw;
        }
    }
}
