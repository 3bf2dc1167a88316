using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft;

/// <summary>
/// Recovery mode on raft (<see cref="RaftBackendOptions.RecoveryMode"/>): the leader loads the replica through the
/// log. Each load is one <see cref="RecoveryLoadEntry"/> (a page of rows and the progress record after it) and the end
/// one <see cref="RecoveryFinishEntry"/>; every node applies them to its own state, so followers catch up by log, or by
/// snapshot when they lag behind a compaction, and a new leader resumes from the replicated progress record. Only the
/// leader runs the recovery (the server host starts it on each leadership, after <see cref="AwaitLeadAppliedAsync"/>).
/// </summary>
public sealed partial class RaftNamespaceBackend : IRecoveryTarget
{
    private bool _recoveryMode;

    public RecoveryStage RecoveryStage => _stateMachine.RecoveryStage;

    public byte[]? RecoveryProgress => _stateMachine.RecoveryProgress;

    /// <summary>Proposes the rows with the progress record as one entry; returns once it is committed and applied here.</summary>
    /// <returns><see cref="RecoveryWrite.NotLeader"/> when this node does not lead, or lost leadership before the entry applied.</returns>
    /// <exception cref="InvalidDataException">The replicated state holds metadata of its own, or its recovery finished: the entry changed nothing.</exception>
    public async ValueTask<RecoveryWrite> LoadRowsAsync(IReadOnlyList<RowChange> rows, byte[] progress, CancellationToken cancellationToken)
    {
        var outcome = await ProposeRecoveryAsync(new RecoveryLoadEntry(rows, progress), cancellationToken).ConfigureAwait(false);
        if (outcome is { Applied: false } refused)
        {
            throw new InvalidDataException(refused.Found == RecoveryStage.Finished
                ? "The namespace's recovery already finished: nothing more is loaded into it (restart with recovery.mode=false to write)"
                : $"The namespace's raft state holds metadata of its own (last change {_stateMachine.LastChangeIndex}): refusing to merge the replica into it; recover into new, empty data directories on every node");
        }

        return outcome is null ? RecoveryWrite.NotLeader : RecoveryWrite.Written;
    }

    /// <summary>Proposes the end of the recovery; once applied, the feed continues after the origin's index on every node.</summary>
    /// <exception cref="InvalidDataException">No recovery is loading (nothing loaded yet, or another origin finished it).</exception>
    public async ValueTask<RecoveryWrite> FinishRecoveryAsync(ReplicaOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var outcome = await ProposeRecoveryAsync(new RecoveryFinishEntry(origin.StoreId, origin.ChangeIndex), cancellationToken).ConfigureAwait(false);
        if (outcome is { Applied: false } refused)
        {
            throw new InvalidDataException($"The namespace's raft state is {refused.Found}, not loading a recovery from {origin.StoreId}:{origin.ChangeIndex}: nothing finished");
        }

        return outcome is null ? RecoveryWrite.NotLeader : RecoveryWrite.Written;
    }

    /// <summary>
    /// Waits until this node, as leader, has applied every entry committed before its term (a read index: it is
    /// confirmed once an entry of the term commits), so the replicated state it reads (a recovery's progress) is the
    /// newest any earlier leader left.
    /// </summary>
    /// <returns>The term this node leads in; NotLeader or NoLeader when it does not (or lost it meanwhile).</returns>
    public async ValueTask<Result<ulong>> AwaitLeadAppliedAsync(CancellationToken cancellationToken = default)
    {
        var summary = _driver.Summary;
        if (summary.Role != RaftRole.Leader)
        {
            return Redirect(summary.Leader);
        }

        try
        {
            if (await ReachReadIndexAsync(cancellationToken).ConfigureAwait(false) is { } error)
            {
                return error;
            }
        }
        catch (RaftException e)
        {
            return new NamespaceError(ErrorCode.Unavailable, e.Message); // the driver stopped (shutting down, or FAILED)
        }

        var now = _driver.Summary;
        return now.Role == RaftRole.Leader && now.Term == summary.Term ? summary.Term : Redirect(now.Leader);
    }

    /// <summary>The entry's outcome once applied here; null when this node does not lead (nothing proposed) or lost leadership meanwhile.</summary>
    private async ValueTask<RecoveryEntryOutcome?> ProposeRecoveryAsync(ReplicaEntry entry, CancellationToken cancellationToken)
    {
        if (!_recoveryMode)
        {
            throw new InvalidOperationException("Replica rows are loaded in recovery mode only (writes would race them).");
        }

        if (_driver.Summary.Role != RaftRole.Leader)
        {
            return null;
        }

        var payload = ReplicaEntryCodec.Encode(entry);
        try
        {
            return (RecoveryEntryOutcome)(await _driver.ProposeAsync(payload, cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is RaftNotLeaderException or RaftLeadershipLostException)
        {
            // Not leading (or a leadership transfer refused the proposal), or deposed with the entry in flight: it may
            // still commit, rows and progress together, and the next leader resumes from whatever record applied last.
            return null;
        }
    }

    /// <summary>The state of a node line in recovery mode (null otherwise): RECOVERING, then FINISH once it holds the finish.</summary>
    private string? RecoveryState(bool finished) => !_recoveryMode ? null : finished ? "FINISH" : "RECOVERING";

    private static void RefuseOwnMetadata(NamespaceStateMachine stateMachine, string dataDirectory)
    {
        if (stateMachine.RecoveryStage == RecoveryStage.Populated)
        {
            throw new InvalidDataException(
                $"Recovery mode rebuilds a namespace into new, empty data directories, but the raft state at {dataDirectory} already holds metadata " +
                $"(last change {stateMachine.LastChangeIndex}): refusing to merge the replica into it; point namespace.data.dir at an empty directory or turn recovery.mode off.");
        }
    }
}
