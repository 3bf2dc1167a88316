using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft;

/// <summary>
/// One namespace on the raft backend, as the RPC service sees it on one of the three nodes. The leader stamps each
/// command with its clock and replicates it; every node applies it with the same engine (see
/// <see cref="NamespaceStateMachine"/>); a write is answered once it is committed and applied here. Reads are
/// linearizable: a ReadIndex round confirms leadership and the local state has caught up before the read runs.
/// A follower or a node without a leader answers NOT_LEADER (with the leader's client address) or NoLeader: in both
/// cases nothing was applied, so the client may retry anything.
/// </summary>
public sealed partial class RaftNamespaceBackend : INamespaceBackend
{
    public const string TypeName = "raft";

    private readonly RaftDriver _driver;
    private readonly NamespaceStateMachine _stateMachine;
    private readonly RaftTopology _topology;
    private readonly TimeProvider _clock;
    private readonly ITimer _leaderWatch;
    private static readonly TimeSpan PreferredLeaderSettle = TimeSpan.FromSeconds(3);
    private ulong _knownLeader;
    private (ulong Term, DateTimeOffset At)? _leadingSince;
    private DateTimeOffset _lastPreferenceAsk;

    public RaftNamespaceBackend(RaftDriver driver, NamespaceStateMachine stateMachine, RaftTopology topology, TimeProvider clock)
    {
        _driver = driver;
        _stateMachine = stateMachine;
        _topology = topology;
        _clock = clock;
        // The driver publishes its view in Summary; a change of leader changes what health reports.
        _leaderWatch = clock.CreateTimer(_ => WatchLeader(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public string BackendType => TypeName;

    public event EventHandler? ServingChanged;

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default) =>
        SubmitAsync(command, ClientCallId.None, cancellationToken);

    /// <summary>Every node's state machine keeps the replicated retry cache (see <see cref="NamespaceStateMachine"/>).</summary>
    public bool RemembersCalls => true;

    /// <summary>
    /// Proposes <paramref name="command"/> stamped with this leader's clock and <paramref name="call"/>. An
    /// OutcomeUnknown answer (leadership lost mid-replication) is safe to resend with the same call id: the retry
    /// cache answers the copy with the first one's outcome if the first was committed.
    /// </summary>
    public async ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, ClientCallId call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_recoveryMode)
        {
            return NamespaceError.ReadOnly; // on every node, leader or not: the replica is loaded through the log meanwhile
        }

        if (NotLeading() is { } redirect)
        {
            return redirect;
        }

        byte[] payload;
        try
        {
            // Never before the newest change: a new leader whose clock is behind the old one's must not make times go back.
            var time = Math.Max(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _stateMachine.LastChangeTimeMs);
            payload = NamespaceCommandCodec.Encode(new ReplicatedCommand(command, time, call.ClientId, call.CallId));
        }
        catch (CommandNotReplicableException e)
        {
            return new NamespaceError(e.IsPath ? ErrorCode.InvalidPath : ErrorCode.InvalidArgument, e.Message);
        }

        try
        {
            return (Result<FileStatus?>)(await _driver.ProposeAsync(payload, cancellationToken).ConfigureAwait(false))!;
        }
        catch (RaftNotLeaderException e)
        {
            return Redirect(e.LeaderId);
        }
        catch (RaftLeadershipLostException)
        {
            return new NamespaceError(ErrorCode.OutcomeUnknown,
                "Leadership changed while the operation was being replicated; it may or may not have been applied: " +
                (call.IsNone ? "check before retrying" : "resending it with the same call id is safe"));
        }
    }

    public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        ReadAsync(() => _stateMachine.GetFileInfo(path, caller), cancellationToken);

    public ValueTask<Result<DirectoryListing>> ListStatusAsync(
        string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        ReadAsync(() => _stateMachine.ListStatus(path, startAfter, limit, caller), cancellationToken);

    public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        ReadAsync(() => _stateMachine.GetContentSummary(path, caller), cancellationToken);

    public BackendStatus GetStatus()
    {
        var summary = _driver.Summary;
        var role = summary.Role switch
        {
            RaftRole.Leader => "LEADER",
            RaftRole.Follower => "FOLLOWER",
            _ => "CANDIDATE",
        };
        var state = _stateMachine.Stopped is not null ? "FAILED" : RecoveryState(finished: _stateMachine.RecoveryFinishedAt > 0) ?? "RUNNING";
        var detail = new Dictionary<string, string>
        {
            ["node"] = _topology.Self.PeerAddress,
            ["term"] = summary.Term.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["leader"] = summary.Leader == 0 ? "none" : _topology.Find(summary.Leader).PeerAddress,
            ["commitIndex"] = summary.Committed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["appliedIndex"] = _stateMachine.AppliedIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["snapshotsRestored"] = _stateMachine.SnapshotsRestored.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Trimmed only behind the replica's checkpoint, on every node (a replicated entry; never without upload).
            ["changeFeedFirstIndex"] = _stateMachine.ChangeFeedFirstIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (_log is not null && _log.Snapshot(out var snapshot) == StorageStatus.Ok)
        {
            // Where the log starts shows it is compacted behind the snapshot (firstLogIndex - 1 <= snapshotIndex).
            detail["snapshotIndex"] = snapshot.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            detail["firstLogIndex"] = _log.FirstIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (_log is not null)
        {
            // Synced log writes since start: the benchmark divides their growth by the commit index's (syncs per entry).
            detail["logSyncs"] = _log.SyncedWrites.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var progress = _driver.Status?.Progress ?? new Dictionary<ulong, ProgressStatus>();
        var nodes = new List<BackendNodeStatus>(_topology.Peers.Count);
        foreach (var peer in _topology.Peers)
        {
            if (peer.NodeId == _topology.Self.NodeId)
            {
                nodes.Add(new BackendNodeStatus(peer.PeerAddress, role, state, (long)summary.Applied));
            }
            else if (progress.TryGetValue(peer.NodeId, out var follower))
            {
                // The leader's view: how far each follower's log matches its own.
                var followerState = !follower.RecentActive ? "UNREACHABLE"
                    : RecoveryState(finished: _stateMachine.RecoveryFinishedAt is > 0 and var finishedAt && follower.Match >= finishedAt) ?? "RUNNING";
                nodes.Add(new BackendNodeStatus(peer.PeerAddress, "FOLLOWER", followerState, (long)follower.Match));
                detail[$"behind.{peer.PeerAddress}"] = (summary.Committed > follower.Match ? summary.Committed - follower.Match : 0)
                    .ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                nodes.Add(new BackendNodeStatus(peer.PeerAddress, peer.NodeId == summary.Leader ? "LEADER" : "FOLLOWER", "UNKNOWN", 0));
            }
        }

        detail["recoveredFrom"] = _stateMachine.RecoveredFrom is { } origin
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{origin.StoreId}:{origin.ChangeIndex}")
            : "none";
        return new BackendStatus(TypeName, role, state, _stateMachine.LastChangeIndex, detail)
        {
            // Recovery mode takes no writes, like rocksdb's: health says NOT_SERVING for the namespace service.
            Serving = summary.Leader != 0 && _stateMachine.Stopped is null && !_recoveryMode,
            Nodes = nodes,
            LeaderClientAddress = summary.Leader is 0 || summary.Leader == _topology.Self.NodeId ? null : _topology.Find(summary.Leader).ClientAddress,
        };
    }

    /// <summary>Leaves the peer listener, stops the driver (in-flight proposals fail as outcome unknown), then closes the stores.</summary>
    public async ValueTask DisposeAsync()
    {
        await _leaderWatch.DisposeAsync().ConfigureAwait(false);
        _metrics?.Dispose(); // a scrape must not read a driver being stopped
        _peerRegistration?.Dispose(); // peers' streams for this namespace now get UNAVAILABLE

        await _driver.DisposeAsync().ConfigureAwait(false);
        if (_transport is not null)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }

        _stateMachine.Dispose();
        _log?.Dispose();
        if (_faults is not null)
        {
            await _faults.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<Result<T>> ReadAsync<T>(Func<Result<T>> read, CancellationToken cancellationToken)
    {
        if (NotLeading() is { } redirect)
        {
            return redirect;
        }

        return await ReachReadIndexAsync(cancellationToken).ConfigureAwait(false) is { } error ? error : read();
    }

    /// <summary>Waits until this node's state has applied a confirmed read index; the redirect when leadership is elsewhere.</summary>
    private async ValueTask<NamespaceError?> ReachReadIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _driver.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RaftNotLeaderException e)
        {
            return Redirect(e.LeaderId);
        }
        catch (RaftLeadershipLostException)
        {
            return NamespaceError.NoLeader;
        }
    }

    private NamespaceError? NotLeading()
    {
        var summary = _driver.Summary;
        return summary.Role == RaftRole.Leader ? null : Redirect(summary.Leader);
    }

    private NamespaceError Redirect(ulong leader) =>
        leader == 0 || leader == _topology.Self.NodeId ? NamespaceError.NoLeader : NamespaceError.NotLeader(_topology.Find(leader).ClientAddress);

    private void WatchLeader()
    {
        var leader = _driver.Summary.Leader;
        if (Interlocked.Exchange(ref _knownLeader, leader) != leader)
        {
            ServingChanged?.Invoke(this, EventArgs.Empty);
        }

        PreferHigherPriority();
    }

    /// <summary>
    /// The third field of initial-conf is a leadership priority: a leader that has led for a while hands over to the
    /// highest-priority member above its own that is reachable and fully caught up. All equal (the seed's ":0"
    /// everywhere) means no preference. The wait keeps a flapping preferred node from bouncing leadership around.
    /// </summary>
    private void PreferHigherPriority()
    {
        var status = _driver.Status;
        if (status is null || status.Role != RaftRole.Leader)
        {
            _leadingSince = null;
            return;
        }

        var now = _clock.GetUtcNow();
        if (_leadingSince is not { } since || since.Term != status.Term)
        {
            _leadingSince = (status.Term, now);
            return;
        }

        if (now - since.At < PreferredLeaderSettle || now - _lastPreferenceAsk < PreferredLeaderSettle)
        {
            return;
        }

        var preferred = _topology.Peers
            .Where(p => p.Priority > _topology.Self.Priority
                && status.Progress.TryGetValue(p.NodeId, out var progress) && progress.RecentActive && progress.Match >= status.Committed)
            .MaxBy(p => p.Priority);
        if (preferred is not null)
        {
            _lastPreferenceAsk = now;
            _driver.TransferLeadership(preferred.NodeId);
        }
    }
}
