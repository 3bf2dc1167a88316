namespace JindoMeta.Raft.Tests.Simulation;

internal sealed partial class KvSimulation
{
    /// <summary>State machine safety (§5.4.3): "if a server has applied a log entry at a given index to its state
    /// machine, no other server will ever apply a different log entry for the same index."</summary>
    private void RecordCommitted(SimulatedNode node, Entry entry)
    {
        if (entry.Index <= (ulong)_committed.Count)
        {
            var known = _committed[(int)entry.Index - 1];
            if (known.Term != entry.Term || !known.Data.AsSpan().SequenceEqual(entry.Data))
            {
                throw new InvalidOperationException($"state machine safety: node {node.Id} applied {entry.Term}/{entry.Index} but {known.Term}/{entry.Index} was applied elsewhere");
            }

            return;
        }

        // Whoever commits this entry does so in a term no later than the highest term any node has reached now;
        // leaders of later terms must hold it (leader completeness).
        if (entry.Index != (ulong)_committed.Count + 1)
        {
            throw new InvalidOperationException($"node {node.Id} applied {entry.Index} but only {_committed.Count} entries are known committed: a gap");
        }

        var termBound = _nodes.Max(n => n.Raft.Term);
        _committed.Add((entry.Term, entry.Data, termBound));
    }

    private string? CheckInvariants()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (!node.IsUp)
            {
                continue;
            }

            var raft = node.Raft;

            // §5.2 Election Safety: "at most one leader can be elected in a given term."
            if (raft.Role == RaftRole.Leader)
            {
                if (_leaderOfTerm.TryGetValue(raft.Term, out var leader) && leader != node.Id)
                {
                    return $"election safety: nodes {leader} and {node.Id} both led term {raft.Term}";
                }

                _leaderOfTerm[raft.Term] = node.Id;
            }

            // A durable commit index never moves backwards.
            var commit = node.Storage.HardState.Commit;
            if (commit < _durableCommit[i])
            {
                return $"durability: node {node.Id} persisted commit {commit} after {_durableCommit[i]}";
            }

            _durableCommit[i] = commit;
            if (raft.Applied > raft.Committed || raft.Committed > raft.LastIndex)
            {
                return $"log invariant: node {node.Id} applied {raft.Applied} committed {raft.Committed} last {raft.LastIndex}";
            }
        }

        return CheckLeaderCompleteness() ?? CheckLogMatching();
    }

    /// <summary>§5.4 Leader Completeness: "If a log entry is committed in a given term, then that entry will be present
    /// in the logs of the leaders for all higher-numbered terms."</summary>
    private string? CheckLeaderCompleteness()
    {
        foreach (var node in _nodes)
        {
            if (!node.IsUp || node.Raft.Role != RaftRole.Leader)
            {
                continue;
            }

            var raft = node.Raft;
            var first = raft.Status().FirstIndex;
            _logScratch.Clear();
            raft.ReadLog(first, raft.LastIndex + 1, _logScratch);
            for (var index = Math.Max(first, 1); index <= (ulong)_committed.Count; index++)
            {
                var (term, _, termBound) = _committed[(int)index - 1];
                if (raft.Term <= termBound)
                {
                    continue;
                }

                if (index > raft.LastIndex)
                {
                    return $"leader completeness: leader {node.Id} of term {raft.Term} ends at {raft.LastIndex}, missing committed {term}/{index}";
                }

                if (index >= first && _logScratch[(int)(index - first)].Term != term)
                {
                    return $"leader completeness: leader {node.Id} of term {raft.Term} has {_logScratch[(int)(index - first)].Term}/{index}, committed was {term}/{index}";
                }
            }
        }

        return null;
    }

    /// <summary>§5.3 Log Matching: "if two logs contain an entry with the same index and term, then the logs are
    /// identical in all entries up through the given index."</summary>
    private string? CheckLogMatching()
    {
        for (var a = 0; a < _nodes.Length; a++)
        {
            if (!_nodes[a].IsUp)
            {
                continue;
            }

            var left = _nodes[a].Raft;
            var leftFirst = left.Status().FirstIndex;
            _logScratch.Clear();
            left.ReadLog(leftFirst, left.LastIndex + 1, _logScratch);
            for (var b = a + 1; b < _nodes.Length; b++)
            {
                if (!_nodes[b].IsUp)
                {
                    continue;
                }

                var right = _nodes[b].Raft;
                var rightFirst = right.Status().FirstIndex;
                _otherLogScratch.Clear();
                right.ReadLog(rightFirst, right.LastIndex + 1, _otherLogScratch);
                var low = Math.Max(leftFirst, rightFirst);
                var high = Math.Min(left.LastIndex, right.LastIndex);
                var diverged = false;
                for (var index = low; index <= high; index++)
                {
                    var x = _logScratch[(int)(index - leftFirst)];
                    var y = _otherLogScratch[(int)(index - rightFirst)];
                    var same = x.Term == y.Term && x.Data.AsSpan().SequenceEqual(y.Data);
                    if (!same)
                    {
                        diverged = true;
                    }
                    else if (x.Term == y.Term && diverged)
                    {
                        return $"log matching: nodes {a + 1} and {b + 1} agree on {x.Term}/{index} but differ before it";
                    }
                    else if (x.Term != y.Term)
                    {
                        diverged = true;
                    }
                }

                // Same index and term must mean the same entry.
                for (var index = low; index <= high; index++)
                {
                    var x = _logScratch[(int)(index - leftFirst)];
                    var y = _otherLogScratch[(int)(index - rightFirst)];
                    if (x.Term == y.Term && !x.Data.AsSpan().SequenceEqual(y.Data))
                    {
                        return $"log matching: nodes {a + 1} and {b + 1} hold different entries with the same index and term {x.Term}/{index}";
                    }
                }
            }
        }

        return null;
    }
}
