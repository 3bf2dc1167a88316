using System.Collections.Concurrent;
using System.Net;
using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Support;

/// <summary>
/// One namespace on a three-node raft cluster in this process: three <see cref="RaftNamespaceBackend"/>s, each with
/// its RocksDB log store and state machine, on an in-process network, seen through the backend interface as one
/// backend that sends every call to whichever node leads (as the client does after a NOT_LEADER answer).
/// </summary>
/// <remarks>The command time comes from <paramref name="clock"/> (the leader stamps it), so a test knows it; the
/// drivers tick on real time, 10 ms per tick, so elections take a few hundred milliseconds.</remarks>
public sealed class InProcessRaftNamespace : INamespaceBackend
{
    private static readonly ulong[] Voters = [1, 2, 3];
    private const string InitialConf = "127.0.0.1:7001:0,127.0.0.1:7002:0,127.0.0.1:7003:0";
    private readonly string _root;
    private readonly ConcurrentDictionary<ulong, RaftDriver> _drivers = new();
    private readonly RaftNamespaceBackend[] _nodes = new RaftNamespaceBackend[3];
    private readonly RocksRaftLogStore[] _logs = new RocksRaftLogStore[3];

    public InProcessRaftNamespace(PermissionSettings permissions, TimeProvider clock)
    {
        _root = Directory.CreateTempSubdirectory("jindometa-raftns-").FullName;
        foreach (var id in Voters)
        {
            var node = Directory.CreateDirectory(Path.Combine(_root, $"node{id}")).FullName;
            var log = RocksRaftLogStore.Open(Path.Combine(node, "raft-log"), Voters);
            var machine = NamespaceStateMachine.Open(new NamespaceStateMachineOptions { Directory = Path.Combine(node, "state") }, permissions);
            var driver = new RaftDriver(new RaftDriverOptions
            {
                Raft = new RaftOptions { Id = id, Voters = Voters, Storage = log, Random = new Random((int)id) },
                LogStore = log,
                Transport = new InProcessRaftTransport(_drivers),
                StateMachine = machine,
                TickInterval = TimeSpan.FromMilliseconds(10),
            });
            _drivers[id] = driver;
            var topology = RaftTopology.Resolve(InitialConf, "", 8101, "127.0.0.1", $"127.0.0.1:{7000 + id}", [IPAddress.Loopback], "test");
            _logs[id - 1] = log;
            _nodes[id - 1] = new RaftNamespaceBackend(driver, machine, topology, clock);
            Machines.Add(machine);
        }

        foreach (var driver in _drivers.Values)
        {
            driver.Start();
        }
    }

    public string BackendType => RaftNamespaceBackend.TypeName;

    public List<NamespaceStateMachine> Machines { get; } = [];

    /// <summary>Never raised: the routing front always finds the leader.</summary>
    public event EventHandler? ServingChanged
    {
        add { }
        remove { }
    }

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(node => node.SubmitAsync(command, cancellationToken), cancellationToken);

    public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(node => node.GetFileInfoAsync(path, caller, cancellationToken), cancellationToken);

    public ValueTask<Result<DirectoryListing>> ListStatusAsync(string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(node => node.ListStatusAsync(path, startAfter, limit, caller, cancellationToken), cancellationToken);

    public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(node => node.GetContentSummaryAsync(path, caller, cancellationToken), cancellationToken);

    /// <summary>Hands leadership from the current leader to another node (through the backend's transfer).</summary>
    public async Task MoveLeaderAsync()
    {
        var leader = _drivers.Values.First(d => d.Summary.Role == RaftRole.Leader).Summary.Id;
        var target = Voters.First(id => id != leader);
        var moved = await _nodes[leader - 1].TransferLeadershipAsync($"127.0.0.1:{7000 + target}", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (!moved.IsOk)
        {
            throw new InvalidOperationException($"leadership did not move from node {leader} to node {target}: {moved.Error}");
        }
    }

    public BackendStatus GetStatus() => _nodes.First(n => n.GetStatus().Role == "LEADER").GetStatus();

    /// <summary>
    /// Waits until all three nodes applied everything committed, and returns the state checksum they then share
    /// (without the applied index, so entries that changed nothing leave it as it was). Throws if they differ:
    /// every node must have executed every command to the same effects.
    /// </summary>
    public string ReplicatedStateChecksum()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // The driver's applied index (it counts the leaders' empty entries, which never reach the state machine).
            var summaries = _drivers.Values.Select(d => d.Summary).ToArray();
            var committed = summaries.Max(s => s.Committed);
            if (summaries.All(s => s.Applied >= committed))
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the three nodes did not apply index {committed} within 30 s: {string.Join(", ", summaries.Select(s => s.Applied))}");
            }

            Thread.Sleep(2);
        }

        var checksums = Machines.Select(m => m.ComputeChecksum(includeAppliedIndex: false)).ToArray();
        if (checksums.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"the three replicas differ after applying the same log: {string.Join(", ", checksums)}");
        }

        return checksums[0].ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _drivers.Clear(); // the network first: a stopped driver must not be handed messages
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var log in _logs)
        {
            log.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Runs the call on the node that leads; a NOT_LEADER or no-leader answer (nothing applied) is retried.</summary>
    private async ValueTask<Result<T>> OnLeaderAsync<T>(Func<RaftNamespaceBackend, ValueTask<Result<T>>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        NamespaceError? last = null;
        while (true)
        {
            var leader = _drivers.Values.FirstOrDefault(d => d.Summary.Role == RaftRole.Leader);
            if (leader is not null)
            {
                var result = await call(_nodes[leader.Summary.Id - 1]).ConfigureAwait(false);
                if (result.IsOk || result.Error!.Code is not (ErrorCode.NotLeader or ErrorCode.Unavailable))
                {
                    return result;
                }

                last = result.Error;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no leader answered within 30 s (last answer: {last?.ToString() ?? "none"}; nodes: {string.Join(", ", _drivers.Values.Select(d => d.Summary))})");
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }
}
