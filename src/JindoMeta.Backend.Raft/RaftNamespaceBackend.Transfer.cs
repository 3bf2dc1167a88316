using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Errors;

namespace JindoMeta.Backend.Raft;

public sealed partial class RaftNamespaceBackend : ILeadershipTransfer
{
    private static readonly TimeSpan TransferPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Any node takes the request: a follower's core forwards it to the leader, and every node sees the new
    /// leader in its summary, so the caller need not find the leader first.</summary>
    public async ValueTask<Result<LeadershipTransferred>> TransferLeadershipAsync(string target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var member = _topology.Peers.FirstOrDefault(p => string.Equals(p.PeerAddress, target, StringComparison.OrdinalIgnoreCase));
        if (member is null)
        {
            return NamespaceError.InvalidArgument(
                $"{target} is not a member of {RaftTopology.InitialConfKey} ({string.Join(", ", _topology.Peers.Select(p => p.PeerAddress))}); name the node by its host:port there");
        }

        var deadline = _clock.GetUtcNow() + timeout;
        for (var poll = 0; ; poll++)
        {
            var summary = _driver.Summary;
            if (summary.Leader == member.NodeId)
            {
                return new LeadershipTransferred(member.PeerAddress, summary.Term);
            }

            if (_clock.GetUtcNow() >= deadline)
            {
                var now = summary.Leader == 0 ? "no node leads at the moment" : $"{_topology.Find(summary.Leader).PeerAddress} still leads";
                return new NamespaceError(ErrorCode.Unavailable,
                    $"Leadership did not move to {member.PeerAddress} within {timeout.TotalSeconds:0.#} s ({now}); check that {member.PeerAddress} is running and caught up (jindo jfs -metaStatus -detail), then retry");
            }

            // The core abandons an attempt after an election timeout (the target was behind or a message was lost),
            // and ignores a repeat of one in progress: so ask again every second until the deadline.
            if (summary.Leader != 0 && poll % 20 == 0)
            {
                _driver.TransferLeadership(member.NodeId);
            }

            await Task.Delay(TransferPoll, _clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
