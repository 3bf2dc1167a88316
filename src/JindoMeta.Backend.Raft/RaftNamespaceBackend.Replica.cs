using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft;

/// <summary>The leader that uploads: <see cref="RaftNamespaceBackend.PrepareUploadAsync"/> returns its term and the cluster's store id.</summary>
/// <param name="StoreId">The cluster's replica store id (hex), the same on every node.</param>
/// <param name="Term">The raft term this node leads in.</param>
public sealed record UploadLeadership(string StoreId, ulong Term);

/// <summary>
/// The async uploader's view of a raft namespace (it runs on the leader only; the server host starts and stops it).
/// The feed is the applied, hence committed, change feed, the same on every node; a trim is a replicated entry, so
/// followers' feeds are trimmed behind the replica's checkpoint too.
/// </summary>
public sealed partial class RaftNamespaceBackend : IReplicaSource
{
    private ReplicatedChangeFeed? _changeFeed;

    public IChangeFeed ChangeFeed => _changeFeed ??= new ReplicatedChangeFeed(_driver, _stateMachine);

    /// <summary>The cluster's replica store id (hex), once a leader's <see cref="PrepareUploadAsync"/> set it.</summary>
    /// <exception cref="InvalidOperationException">No leader has set it yet.</exception>
    public string StoreId => _stateMachine.ReplicaStoreId
        ?? throw new InvalidOperationException("The raft namespace has no replica store id yet: the leader sets it (PrepareUploadAsync) before uploading.");

    public IReplicaSnapshot OpenSnapshot() => _stateMachine.OpenReplicaSnapshot();

    public long EstimatedRows => _stateMachine.EstimatedRows;

    /// <summary>The replica this cluster's state was recovered from (replicated state), null when it was not.</summary>
    public ReplicaOrigin? RecoveredFrom => _stateMachine.RecoveredFrom;

    /// <summary>The term this node leads in, or null while it does not lead: whether it uploads, and as which leadership.</summary>
    public ulong? LeadershipTerm => _driver.Summary is { Role: RaftRole.Leader } summary ? summary.Term : null;

    /// <summary>
    /// Before this node uploads: proposes a <see cref="ReplicaIdentityEntry"/> (a fresh random id, kept only if the
    /// cluster has none) and waits until it is applied here. Its apply proves this leader's state holds every entry
    /// committed before its term, so its feed reaches any checkpoint an earlier leader wrote.
    /// </summary>
    /// <returns>The store id and the term; NotLeader or NoLeader when this node does not lead (or lost it meanwhile).</returns>
    public async ValueTask<Result<UploadLeadership>> PrepareUploadAsync(CancellationToken cancellationToken = default)
    {
        var summary = _driver.Summary;
        if (summary.Role != RaftRole.Leader)
        {
            return Redirect(summary.Leader);
        }

        var payload = ReplicaEntryCodec.Encode(new ReplicaIdentityEntry(System.Security.Cryptography.RandomNumberGenerator.GetBytes(ReplicaEntryCodec.StoreIdBytes)));
        string storeId;
        try
        {
            storeId = (string)(await _driver.ProposeAsync(payload, cancellationToken).ConfigureAwait(false))!;
        }
        catch (RaftNotLeaderException e)
        {
            return Redirect(e.LeaderId);
        }
        catch (RaftLeadershipLostException)
        {
            return NamespaceError.NoLeader;
        }
        catch (RaftException e)
        {
            // The driver stopped (shutting down, or the state machine failed: status shows FAILED).
            return new NamespaceError(ErrorCode.Unavailable, e.Message);
        }

        var now = _driver.Summary;
        return now.Role == RaftRole.Leader && now.Term == summary.Term ? new UploadLeadership(storeId, summary.Term) : Redirect(now.Leader);
    }

    /// <summary>The state machine's feed; <see cref="Trim"/> proposes a <see cref="FeedUploadedEntry"/> (at most one in flight).</summary>
    private sealed class ReplicatedChangeFeed(RaftDriver driver, NamespaceStateMachine stateMachine) : IChangeFeed
    {
        private long _proposedThrough;
        private int _proposing;

        public long LastIndex => stateMachine.LastChangeIndex;

        public long FirstIndex => stateMachine.ChangeFeedFirstIndex;

        public IReadOnlyList<ChangeEntry> Read(long fromIndex, int maxEntries) => stateMachine.ReadChanges(fromIndex, maxEntries);

        /// <summary>Returns at once; every node trims when the entry is applied. The uploader calls it at most once a
        /// second (or every 10,000 entries), always with an index its Tablestore checkpoint already reached.</summary>
        public void Trim(long throughIndex)
        {
            if (throughIndex <= Volatile.Read(ref _proposedThrough) || Interlocked.Exchange(ref _proposing, 1) != 0)
            {
                return;
            }

            _ = ProposeAsync(throughIndex);
        }

        private async Task ProposeAsync(long throughIndex)
        {
            try
            {
                await driver.ProposeAsync(ReplicaEntryCodec.Encode(new FeedUploadedEntry(throughIndex))).ConfigureAwait(false);
                Volatile.Write(ref _proposedThrough, throughIndex);
            }
            catch (Exception e) when (e is RaftException or ObjectDisposedException or OperationCanceledException)
            {
                // Not leading any more, or shutting down: the feed stays until the next leader's uploader trims it.
            }
            finally
            {
                Volatile.Write(ref _proposing, 0);
            }
        }
    }
}
