using JindoMeta.Namespace.Errors;

namespace JindoMeta.Namespace.Backend;

/// <summary>
/// A backend whose nodes elect a leader (raft) and can hand leadership to a named member, for maintenance: move it
/// off a node before stopping that node, so clients see one short redirect instead of an election timeout.
/// </summary>
public interface ILeadershipTransfer
{
    /// <summary>
    /// Asks the current leader (this node; otherwise the result is NOT_LEADER naming it) to hand leadership to the
    /// member whose peer address is <paramref name="target"/> (host:port as in the member list), and waits until
    /// that member leads or <paramref name="timeout"/> passes. Returns the new leader's peer address and term.
    /// </summary>
    ValueTask<Result<LeadershipTransferred>> TransferLeadershipAsync(string target, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <param name="Leader">The peer address (host:port) of the node that now leads.</param>
/// <param name="Term">The term it leads in.</param>
public sealed record LeadershipTransferred(string Leader, ulong Term);
