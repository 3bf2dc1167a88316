namespace JindoMeta.Raft;

public sealed partial class RaftNode
{
    private readonly ReadIndexTracker _reads = new();
    private readonly List<(ulong Requester, ulong RequestId)> _readsAwaitingCommit = [];
    private readonly List<ReadIndexTracker.PendingRead> _releasedScratch = [];
    private ulong _leadTransferee;

    /// <summary>The node leadership is being handed to (0: none).</summary>
    public ulong LeadTransferee => _leadTransferee;

    /// <summary>Asks for a linearizable read point. When accepted, a <see cref="ReadState"/> with
    /// <paramref name="requestId"/> appears in a later Ready; once the local state machine has applied its index, a
    /// read served locally reflects every write committed before this call. Nothing appears if leadership changes
    /// first: the caller retries.</summary>
    public RequestStatus ReadIndex(ulong requestId)
    {
        if (Role == RaftRole.Leader)
        {
            LeaderReadIndex(Id, requestId);
            return RequestStatus.Accepted;
        }

        if (Leader == None)
        {
            return RequestStatus.NoLeader;
        }

        Send(new Message { Type = MessageType.ReadIndex, From = Id, To = Leader, Term = Term, Context = requestId });
        return RequestStatus.Accepted;
    }

    /// <summary>Asks the cluster to move leadership to <paramref name="target"/> (for a planned restart of the leader).
    /// The leader brings the target's log up to date, then tells it to campaign at once; new proposals are refused
    /// meanwhile, and the attempt is abandoned after an election timeout.</summary>
    public RequestStatus TransferLeadership(ulong target)
    {
        if (!_tracker.IsVoter(target))
        {
            return RequestStatus.InvalidTarget;
        }

        if (Role == RaftRole.Leader)
        {
            LeaderTransfer(target);
            return RequestStatus.Accepted;
        }

        if (Leader == None)
        {
            return RequestStatus.NoLeader;
        }

        Send(new Message { Type = MessageType.TransferLeadership, From = Id, To = Leader, Term = Term, Context = target });
        return RequestStatus.Accepted;
    }

    private bool CommittedEntryInCurrentTerm => _log.TermOrZero(_log.Committed) == Term;

    private void LeaderReadIndex(ulong requester, ulong requestId)
    {
        if (!CommittedEntryInCurrentTerm)
        {
            // A new leader does not know the latest commit index until an entry of its own term commits (§8).
            _readsAwaitingCommit.Add((requester, requestId));
            return;
        }

        var readIndex = _log.Committed;
        if (_tracker.Voters.Length == 1 || _options.ReadOnlyMode == ReadOnlyMode.LeaseBased)
        {
            RespondToRead(requester, requestId, readIndex);
            return;
        }

        // §8: "a leader must check whether it has been deposed before processing a read-only request ... by having it
        // exchange heartbeat messages with a majority of the cluster".
        var sequence = _reads.Add(readIndex, requester, requestId);
        _reads.Acknowledge(sequence, Id);
        BroadcastHeartbeat(sequence);
    }

    private void AcknowledgeRead(ulong sequence, ulong voter)
    {
        if (_options.ReadOnlyMode != ReadOnlyMode.Safe || _reads.Acknowledge(sequence, voter) < _tracker.Quorum)
        {
            return;
        }

        _releasedScratch.Clear();
        _reads.Release(sequence, _releasedScratch);
        foreach (var read in _releasedScratch)
        {
            RespondToRead(read.Requester, read.RequestId, read.ReadIndex);
        }
    }

    private void ReleaseReadsAwaitingCommit()
    {
        if (_readsAwaitingCommit.Count == 0 || !CommittedEntryInCurrentTerm)
        {
            return;
        }

        var waiting = _readsAwaitingCommit.ToArray();
        _readsAwaitingCommit.Clear();
        foreach (var (requester, requestId) in waiting)
        {
            LeaderReadIndex(requester, requestId);
        }
    }

    private void RespondToRead(ulong requester, ulong requestId, ulong readIndex)
    {
        if (requester == Id)
        {
            _readStates.Add(new ReadState(readIndex, requestId));
        }
        else
        {
            Send(new Message { Type = MessageType.ReadIndexResponse, From = Id, To = requester, Term = Term, Index = readIndex, Context = requestId });
        }
    }

    private void LeaderTransfer(ulong target)
    {
        if (_leadTransferee != None)
        {
            if (_leadTransferee == target)
            {
                return;
            }

            _leadTransferee = None;
        }

        if (target == Id)
        {
            return;
        }

        // The transfer must finish within an election timeout; restart the clock for it.
        _electionElapsed = 0;
        _leadTransferee = target;
        var progress = _tracker.Get(target)!;
        if (progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(target, sendIfEmpty: true);
        }
    }

    private void SendTimeoutNow(ulong to) => Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = to, Term = Term });
}
