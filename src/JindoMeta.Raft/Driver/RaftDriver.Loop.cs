namespace JindoMeta.Raft;

public sealed partial class RaftDriver
{
    private readonly List<byte[]> _batchPayloads = [];
    private readonly List<TaskCompletionSource<object?>> _batchCompletions = [];
    private readonly Dictionary<ulong, (ulong Term, TaskCompletionSource<object?> Completion)> _proposals = [];
    private readonly Dictionary<ulong, TaskCompletionSource<object?>> _readRequests = [];
    private readonly List<(ulong Index, TaskCompletionSource<object?> Completion)> _readWaiters = [];
    private ulong _nextReadRequest = 1;
    private ulong _lastSnapshotIndex;
    private ulong _applied;
    private ulong _persistedTerm;
    private ulong _persistedVote;

    private async Task RunAsync()
    {
        var reader = _commands.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var command))
                {
                    Handle(command);
                }

                FlushProposals();
                while (_node.HasReady)
                {
                    HandleReady(_node.GetReady());
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            FailAll(new RaftException($"Raft node {_node.Id} stopped: {error.Message}", error));
            throw;
        }

        FailAll(new RaftException($"Raft node {_node.Id} is shutting down; the outcome of in-flight proposals is unknown."));
    }

    private void Handle(Command command)
    {
        switch (command.Kind)
        {
            case CommandKind.Tick:
                _node.Tick();
                _status = _node.Status(); // once a tick (100 ms): a copy of the progress map, off the per-entry path
                break;
            case CommandKind.Message:
                _node.Step(command.Message!);
                break;
            case CommandKind.Propose:
                _batchPayloads.Add(command.Payload!);
                _batchCompletions.Add(command.Completion!);
                if (_batchPayloads.Count >= _options.MaxProposalBatch)
                {
                    FlushProposals();
                }

                break;
            case CommandKind.ReadIndex:
                var requestId = _nextReadRequest++;
                if (_node.ReadIndex(requestId) == RequestStatus.Accepted)
                {
                    _readRequests[requestId] = command.Completion!;
                }
                else
                {
                    command.Completion!.TrySetException(new RaftNotLeaderException(_node.Leader));
                }

                break;
            case CommandKind.Transfer:
                _node.TransferLeadership(command.Target);
                break;
            case CommandKind.Campaign:
                _node.Campaign();
                break;
            default:
                break;
        }
    }

    /// <summary>Proposes everything queued since the last flush as one batch: one append, one fsync.</summary>
    private void FlushProposals()
    {
        if (_batchPayloads.Count == 0)
        {
            return;
        }

        var result = _node.Propose(_batchPayloads);
        for (var i = 0; i < _batchCompletions.Count; i++)
        {
            if (result.Status == ProposeStatus.Accepted)
            {
                _proposals[result.FirstIndex + (ulong)i] = (result.Term, _batchCompletions[i]);
            }
            else if (result.Status == ProposeStatus.LeadershipTransferInProgress)
            {
                _batchCompletions[i].TrySetException(new RaftNotLeaderException("Leadership is being transferred; retry on the new leader."));
            }
            else
            {
                _batchCompletions[i].TrySetException(new RaftNotLeaderException(result.LeaderHint));
            }
        }

        _batchPayloads.Clear();
        _batchCompletions.Clear();
    }

    private void HandleReady(Ready ready)
    {
        // A leader's messages (appends, heartbeats, snapshot chunks) acknowledge nothing of its own, so it sends them
        // before its fsync and the followers write in parallel with it (Raft paper §10.2.1). Still safe: the leader's
        // own copy counts toward a commit only once this loop handles the followers' answers, which is after the
        // persist below. A term or vote change is durable before any message leaves, whatever the role.
        var sendFirst = ready.Messages.Count > 0 && _node.Role == RaftRole.Leader
            && (ready.HardState.IsEmpty || (ready.HardState.Term == _persistedTerm && ready.HardState.Vote == _persistedVote));
        if (sendFirst)
        {
            _options.Transport.Send(ready.Messages);
        }

        // 1. Persist: entries and votes must be durable before any message acknowledging them leaves.
        if (!ready.HardState.IsEmpty || ready.Entries.Count > 0 || ready.Snapshot is not null)
        {
            _options.LogStore.Persist(ready.HardState, ready.Entries, ready.Snapshot, ready.MustSync);
            if (!ready.HardState.IsEmpty)
            {
                (_persistedTerm, _persistedVote) = (ready.HardState.Term, ready.HardState.Vote);
            }
        }

        // 2. Send (everything of a follower or candidate: votes and append answers promise what was just persisted).
        if (ready.Messages.Count > 0 && !sendFirst)
        {
            _options.Transport.Send(ready.Messages);
        }

        // 3. Apply.
        if (ready.Snapshot is { } snapshot)
        {
            _options.StateMachine.Restore(snapshot);
            _applied = snapshot.Index;
            _lastSnapshotIndex = snapshot.Index;
            FailProposalsUpTo(snapshot.Index);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            var result = entry.Data.Length == 0 ? null : _options.StateMachine.Apply(entry);
            _applied = entry.Index;
            if (_proposals.Remove(entry.Index, out var proposal))
            {
                if (proposal.Term == entry.Term)
                {
                    proposal.Completion.TrySetResult(result);
                }
                else
                {
                    // Another leader's entry took this index: ours was discarded and never committed.
                    proposal.Completion.TrySetException(new RaftLeadershipLostException("Leadership was lost and the proposal was discarded by the new leader; it was not committed."));
                }
            }
        }

        foreach (var readState in ready.ReadStates)
        {
            if (_readRequests.Remove(readState.RequestId, out var completion))
            {
                _readWaiters.Add((readState.Index, completion));
            }
        }

        ServeReads();
        if (ready.SoftState is { } softState)
        {
            OnSoftStateChanged(softState);
        }

        _node.Advance(ready);
        _summary = new RaftStatusSummary(_node.Id, _node.Leader, _node.Term, _node.Role, _node.Committed, _applied);
        MaybeSnapshot();
    }

    private void ServeReads()
    {
        for (var i = _readWaiters.Count - 1; i >= 0; i--)
        {
            var (index, completion) = _readWaiters[i];
            if (_applied >= index)
            {
                _readWaiters.RemoveAt(i);
                completion.TrySetResult(index);
            }
        }
    }

    private void OnSoftStateChanged(SoftState softState)
    {
        if (softState.Role != RaftRole.Leader)
        {
            // Proposals made while leading may still commit under the next leader, or be discarded: unknown.
            foreach (var (_, proposal) in _proposals)
            {
                proposal.Completion.TrySetException(new RaftLeadershipLostException());
            }

            _proposals.Clear();
        }

        // Read requests are answered by the leader that took them; a different leader will never answer.
        foreach (var (_, completion) in _readRequests)
        {
            completion.TrySetException(new RaftLeadershipLostException("Raft leadership changed before the read index was confirmed; retry the read."));
        }

        _readRequests.Clear();
    }

    private void FailProposalsUpTo(ulong index)
    {
        foreach (var key in _proposals.Keys.Where(key => key <= index).ToList())
        {
            _proposals.Remove(key, out var proposal);
            proposal.Completion.TrySetException(new RaftLeadershipLostException("A snapshot replaced the log before the proposal was applied here; the outcome is unknown."));
        }
    }

    private void MaybeSnapshot()
    {
        if (_applied < _lastSnapshotIndex + _options.SnapshotEveryEntries || _applied > _options.LogStore.LastIndex)
        {
            return;
        }

        // The state machine writes its image straight into the store's snapshot file; on the loop, because the image
        // must be of exactly the state at _applied (the namespace state machine takes a RocksDB checkpoint: hard links
        // plus a memtable flush, then one sequential copy into the file).
        _options.LogStore.CreateSnapshot(_applied, _node.Voters, _options.StateMachine.WriteSnapshot);
        _lastSnapshotIndex = _applied;

        // Compact behind the snapshot, keeping CompactionMargin entries so a follower that lags a little catches up
        // from the log instead of a whole snapshot.
        if (_applied > _options.CompactionMargin)
        {
            _options.LogStore.Compact(_applied - _options.CompactionMargin);
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var completion in _batchCompletions)
        {
            completion.TrySetException(error);
        }

        foreach (var (_, proposal) in _proposals)
        {
            proposal.Completion.TrySetException(error);
        }

        foreach (var (_, completion) in _readRequests)
        {
            completion.TrySetException(error);
        }

        foreach (var (_, completion) in _readWaiters)
        {
            completion.TrySetException(error);
        }

        _batchCompletions.Clear();
        _proposals.Clear();
        _readRequests.Clear();
        _readWaiters.Clear();
        while (_commands.Reader.TryRead(out var command))
        {
            command.Completion?.TrySetException(error);
        }
    }
}
