namespace JindoMeta.Raft;

public sealed partial class RaftNode
{
    /// <summary>Feeds a message received from a peer into the node.</summary>
    /// <returns>False if the message was malformed, misrouted or from outside the configuration and was ignored.
    /// A bad message from the network never throws: one faulty peer must not stop a healthy node.</returns>
    public bool Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != Id || !_tracker.IsVoter(message.From) || message.From == Id || !IsWellFormed(message))
        {
            return false;
        }

        if (message.Term > Term)
        {
            if (message.Type is MessageType.RequestVote or MessageType.RequestPreVote)
            {
                // Leader stickiness (§4.2.3 of the Raft dissertation): while we hear from a leader we ignore
                // candidates, so a node rejoining after a partition cannot depose a healthy leader.
                var inLease = _options.CheckQuorum && Leader != None && _electionElapsed < _options.ElectionTicks;
                if (inLease && !message.LeadershipTransfer)
                {
                    return true;
                }
            }

            if (message.Type == MessageType.RequestPreVote
                || (message.Type == MessageType.RequestPreVoteResponse && !message.Reject))
            {
                // Pre-votes are about a future term: neither side moves to it. A granted pre-vote response
                // carries the future term and is counted below.
            }
            else if (message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.SnapshotChunk)
            {
                // §5.1: "If a server receives a request with a larger term, it updates its term"; only a leader sends these.
                BecomeFollower(message.Term, message.From);
            }
            else
            {
                BecomeFollower(message.Term, None);
            }
        }
        else if (message.Term < Term)
        {
            if ((_options.CheckQuorum || _options.PreVote) && message.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // A stale leader cut off by a partition would never learn of the new term (we ignore its messages and,
                // with PreVote, nobody bumps terms towards it); answering lets it step down.
                Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term });
            }
            else if (message.Type == MessageType.RequestPreVote)
            {
                Send(new Message { Type = MessageType.RequestPreVoteResponse, From = Id, To = message.From, Term = Term, Reject = true });
            }

            // §5.1: "If a server receives a request with a stale term number, it rejects the request."
            return true;
        }

        switch (message.Type)
        {
            case MessageType.RequestVote or MessageType.RequestPreVote:
                HandleVoteRequest(message);
                return true;
            default:
                break;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(message);
                break;
            case RaftRole.Candidate or RaftRole.PreCandidate:
                StepCandidate(message);
                break;
            default:
                StepFollower(message);
                break;
        }

        return true;
    }

    private static bool IsWellFormed(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                var entries = message.Entries;
                for (var i = 0; i < entries.Length; i++)
                {
                    // Entries must follow Index contiguously and come from terms no later than the sender's.
                    if (entries[i].Index != message.Index + 1 + (ulong)i || entries[i].Term > message.Term || entries[i].Data is null)
                    {
                        return false;
                    }
                }

                return entries.Length == 0 || entries[0].Term >= message.LogTerm;
            case MessageType.SnapshotChunk:
                return message.SnapshotMetadata is { } metadata
                    && metadata.Index == message.Index
                    && message.ChunkOffset + (ulong)message.ChunkData.Length <= message.SnapshotSize;
            default:
                return Enum.IsDefined(message.Type);
        }
    }

    private void StepLeader(Message message)
    {
        switch (message.Type)
        {
            case MessageType.ReadIndex:
                LeaderReadIndex(message.From, message.Context);
                return;
            case MessageType.TransferLeadership:
                LeaderTransfer(message.Context);
                return;
            default:
                break;
        }

        var progress = _tracker.Get(message.From);
        if (progress is null)
        {
            return;
        }

        switch (message.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(message, progress);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(message, progress);
                break;
            case MessageType.SnapshotChunkResponse:
                HandleSnapshotChunkResponse(message, progress);
                break;
            default:
                break;
        }
    }

    private void StepCandidate(Message message)
    {
        var myResponseType = Role == RaftRole.PreCandidate ? MessageType.RequestPreVoteResponse : MessageType.RequestVoteResponse;
        switch (message.Type)
        {
            case MessageType.Append:
                // §5.2: "If the AppendEntries RPC is from another server claiming to be leader whose term is at least as
                // large as the candidate's current term, then the candidate recognizes the leader".
                BecomeFollower(message.Term, message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(message.Term, message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.SnapshotChunk:
                BecomeFollower(message.Term, message.From);
                HandleSnapshotChunk(message);
                break;
            case var type when type == myResponseType:
                HandleVoteResponse(message);
                break;
            default:
                break;
        }
    }

    private void StepFollower(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                _electionElapsed = 0;
                Leader = message.From;
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Leader = message.From;
                HandleHeartbeat(message);
                break;
            case MessageType.SnapshotChunk:
                _electionElapsed = 0;
                Leader = message.From;
                HandleSnapshotChunk(message);
                break;
            case MessageType.TimeoutNow:
                // The leader asked us to take over: campaign at once, skipping PreVote and voters' leases.
                Hup(transfer: true);
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(message.Index, message.Context));
                break;
            default:
                break;
        }
    }
}
