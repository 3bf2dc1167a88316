namespace JindoMeta.Raft;

public sealed partial class RaftNode
{
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;

    private bool IsPromotable => _tracker.IsVoter(Id);

    private bool PastElectionTimeout => _electionElapsed >= _randomizedElectionTimeout;

    private void TickElection()
    {
        _electionElapsed++;
        if (IsPromotable && PastElectionTimeout)
        {
            _electionElapsed = 0;
            Hup(transfer: false);
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum)
            {
                CheckQuorum();
                if (Role != RaftRole.Leader)
                {
                    return;
                }
            }

            // A transfer that has not completed within an election timeout is abandoned so proposals resume.
            _leadTransferee = None;
        }

        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat(_reads.LastSequence);
        }
    }

    private void CheckQuorum()
    {
        if (!_tracker.QuorumActive(Id))
        {
            BecomeFollower(Term, None);
        }

        _tracker.ResetRecentActive(Id);
    }

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = None;
        }

        Leader = None;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _options.ElectionTicks + _random.Next(_options.ElectionTicks);
        _leadTransferee = None;
        _tracker.ResetVotes();
        _tracker.ResetProgress(Id, _log.LastIndex, _options.MaxInflightMessages);
        _reads.Clear();
        _readsAwaitingCommit.Clear();
        DiscardIncomingSnapshot();
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        Leader = leader;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        if (Role == RaftRole.Leader)
        {
            throw new InvalidOperationException("Invalid transition: leader to pre-candidate.");
        }

        // PreVote does not change the term or the vote: a node that cannot win leaves no trace.
        _tracker.ResetVotes();
        Leader = None;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        if (Role == RaftRole.Leader)
        {
            throw new InvalidOperationException("Invalid transition: leader to candidate.");
        }

        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower)
        {
            throw new InvalidOperationException("Invalid transition: follower to leader.");
        }

        Reset(Term);
        Leader = Id;
        Role = RaftRole.Leader;
        _tracker.Get(Id)!.BecomeReplicate();

        // §8: a new leader commits an entry of its own term at once, which also commits everything before it
        // (§5.4.2) and lets ReadIndex start serving.
        AppendEntries([new Entry(_log.LastIndex + 1, Term, [])]);
    }

    private void Hup(bool transfer)
    {
        if (Role == RaftRole.Leader || !IsPromotable)
        {
            return;
        }

        if (_options.PreVote && !transfer)
        {
            Campaign(preVote: true, transfer: false);
        }
        else
        {
            Campaign(preVote: false, transfer: transfer);
        }
    }

    private void Campaign(bool preVote, bool transfer)
    {
        ulong term;
        MessageType request;
        if (preVote)
        {
            BecomePreCandidate();
            request = MessageType.RequestPreVote;

            // Pre-votes ask about the next term without moving to it.
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            request = MessageType.RequestVote;
            term = Term;
        }

        _tracker.RecordVote(Id, true);
        if (_tracker.TallyVotes(out _, out _) == VoteResult.Won)
        {
            // A single-voter cluster wins at once.
            if (preVote)
            {
                Campaign(preVote: false, transfer: transfer);
            }
            else
            {
                BecomeLeader();
            }

            return;
        }

        var lastIndex = _log.LastIndex;
        var lastTerm = _log.LastTerm;
        foreach (var voter in _tracker.Voters)
        {
            if (voter == Id)
            {
                continue;
            }

            Send(new Message
            {
                Type = request,
                From = Id,
                To = voter,
                Term = term,
                Index = lastIndex,
                LogTerm = lastTerm,
                LeadershipTransfer = transfer,
            });
        }
    }

    private void HandleVoteRequest(Message message)
    {
        var preVote = message.Type == MessageType.RequestPreVote;

        // §5.2: "each server will vote for at most one candidate in a given term, on a first-come-first-served basis".
        var canVote = Vote == message.From
            || (Vote == None && Leader == None)
            || (preVote && message.Term > Term);

        // §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate".
        var grant = canVote && _log.IsUpToDate(message.Index, message.LogTerm);
        Send(new Message
        {
            Type = preVote ? MessageType.RequestPreVoteResponse : MessageType.RequestVoteResponse,
            From = Id,
            To = message.From,
            Term = grant ? message.Term : Term,
            Reject = !grant,
        });

        if (grant && !preVote)
        {
            _electionElapsed = 0;
            Vote = message.From;
        }
    }

    private void HandleVoteResponse(Message message)
    {
        _tracker.RecordVote(message.From, !message.Reject);
        switch (_tracker.TallyVotes(out _, out _))
        {
            case VoteResult.Won:
                if (Role == RaftRole.PreCandidate)
                {
                    Campaign(preVote: false, transfer: false);
                }
                else
                {
                    BecomeLeader();
                    BroadcastAppend();
                }

                break;
            case VoteResult.Lost:
                // A lost pre-vote or vote returns to follower in the current term.
                BecomeFollower(Term, None);
                break;
            default:
                break;
        }
    }
}
