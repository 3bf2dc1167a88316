using System.Diagnostics.Metrics;
using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Diagnostics;

/// <summary>
/// One namespace's raft group on this node as observable gauges of the "JindoMeta.Raft" meter, read at scrape time
/// from the state `-metaStatus -detail` shows (the driver's summary and the leader's progress view), tagged with the
/// namespace: role, term, commit and applied index, and per follower how far its log lags the commit index.
/// </summary>
/// <remarks>
/// Every series is written at every scrape: the exporter keeps a gauge's last value when a series is left out, so a
/// role is a 0/1 gauge per role, and a follower's lag reads 0 on a node that does not lead (the leader's series is
/// the one to read: a dashboard takes the max over the nodes).
/// </remarks>
internal sealed class RaftMetrics : IDisposable
{
    public const string MeterName = "JindoMeta.Raft";

    private static readonly (RaftRole Role, string Name)[] Roles = [(RaftRole.Leader, "leader"), (RaftRole.Follower, "follower"), (RaftRole.Candidate, "candidate")];

    private readonly Meter _meter = new(MeterName);
    private readonly RaftDriver _driver;
    private readonly NamespaceStateMachine _stateMachine;
    private readonly RaftTopology _topology;
    private readonly KeyValuePair<string, object?> _namespaceTag;

    public RaftMetrics(string namespaceName, RaftDriver driver, NamespaceStateMachine stateMachine, RaftTopology topology)
    {
        _driver = driver;
        _stateMachine = stateMachine;
        _topology = topology;
        _namespaceTag = new("namespace", namespaceName);
        _meter.CreateObservableGauge("role", ReadRoles, description: "1 for this node's raft role (leader, follower, candidate), 0 for the others, by namespace.");
        _meter.CreateObservableGauge("term", () => Measure((long)_driver.Summary.Term), description: "This node's raft term, by namespace.");
        _meter.CreateObservableGauge("commit_index", () => Measure((long)_driver.Summary.Committed), description: "The highest log index this node knows committed, by namespace.");
        _meter.CreateObservableGauge("applied_index", () => Measure((long)_stateMachine.AppliedIndex), description: "The highest log index applied to this node's state, by namespace.");
        _meter.CreateObservableGauge("apply_lag_entries", ReadApplyLag, description: "Committed entries this node has not applied yet, by namespace.");
        _meter.CreateObservableGauge("follower_lag_entries", ReadFollowerLag,
            description: "On the leader: committed entries a follower's log does not hold yet (commit index - match index), by namespace and follower; 0 elsewhere.");
        _meter.CreateObservableGauge("follower_active", ReadFollowerActive,
            description: "On the leader: 1 when the follower answered within the last election timeout, by namespace and follower; 0 elsewhere.");
    }

    public void Dispose() => _meter.Dispose();

    private Measurement<long> Measure(long value) => new(value, _namespaceTag);

    private IEnumerable<Measurement<int>> ReadRoles()
    {
        var role = _driver.Summary.Role;
        foreach (var (candidate, name) in Roles)
        {
            yield return new Measurement<int>(candidate == role ? 1 : 0, _namespaceTag, new KeyValuePair<string, object?>("role", name));
        }
    }

    private IEnumerable<Measurement<long>> ReadApplyLag()
    {
        var committed = _driver.Summary.Committed;
        var applied = _stateMachine.AppliedIndex;
        yield return Measure(committed > applied ? (long)(committed - applied) : 0);
    }

    private IEnumerable<Measurement<long>> ReadFollowerLag() =>
        Followers((summary, progress) => progress is { } p && summary.Committed > p.Match ? (long)(summary.Committed - p.Match) : 0);

    private IEnumerable<Measurement<long>> ReadFollowerActive() => Followers((_, progress) => progress is { RecentActive: true } ? 1 : 0);

    private IEnumerable<Measurement<long>> Followers(Func<RaftStatusSummary, ProgressStatus?, long> value)
    {
        var summary = _driver.Summary;
        var progress = summary.Role == RaftRole.Leader ? _driver.Status?.Progress : null;
        foreach (var peer in _topology.Peers)
        {
            if (peer.NodeId == _topology.Self.NodeId)
            {
                continue;
            }

            ProgressStatus? follower = progress is not null && progress.TryGetValue(peer.NodeId, out var p) ? p : null;
            yield return new Measurement<long>(progress is null ? 0 : value(summary, follower), _namespaceTag,
                new KeyValuePair<string, object?>("follower", peer.PeerAddress));
        }
    }
}
