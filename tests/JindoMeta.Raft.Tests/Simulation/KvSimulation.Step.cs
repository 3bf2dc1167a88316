namespace JindoMeta.Raft.Tests.Simulation;

internal sealed partial class KvSimulation
{
    private const int ClientTimeout = 60;

    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    // Entries known committed (applied somewhere), by index - 1: applies happen in order, so this is always a prefix.
    private readonly List<(ulong Term, byte[] Data, ulong TermBound)> _committed = [];
    private readonly ulong[] _durableCommit = new ulong[16];
    private readonly List<Entry> _logScratch = [];
    private readonly List<Entry> _otherLogScratch = [];
    private int _transfers;

    /// <summary>One simulated tick: deliver due messages, tick clocks, run clients, inject faults, process Readys,
    /// check invariants. Returns a violation, or null.</summary>
    private string? Step()
    {
        _now++;
        DeliverDueMessages();
        foreach (var node in _nodes.Where(n => n.IsUp))
        {
            if (!_options.SlowLeaderClock || node.Raft.Role != RaftRole.Leader || _now % 4 == 0)
            {
                node.Raft.Tick();
            }
        }

        RunClients();
        if (_chaos)
        {
            InjectFaults();
        }

        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].IsUp)
            {
                ProcessReady(_nodes[i]);
            }
        }

        return CheckInvariants();
    }

    private void DeliverDueMessages()
    {
        if (_network.Count == 0)
        {
            return;
        }

        var due = _network.Where(m => m.DeliverAt <= _now).OrderBy(m => m.DeliverAt).ThenBy(m => m.Sequence).ToList();
        _network.RemoveAll(m => m.DeliverAt <= _now);
        foreach (var inFlight in due)
        {
            var message = inFlight.Message;
            var to = _nodes[(int)message.To - 1];
            if (!to.IsUp || _group[message.From - 1] != _group[message.To - 1])
            {
                continue;
            }

            if (_options.Trace)
            {
                Trace($"deliver {message}");
            }

            to.Raft.Step(message);
        }
    }

    private void Send(Message message)
    {
        if (_group[message.From - 1] != _group[message.To - 1])
        {
            return;
        }

        var copies = 1;
        if (_chaos)
        {
            if (_random.NextDouble() < _dropRate)
            {
                return;
            }

            if (_random.NextDouble() < _duplicateRate)
            {
                copies = 2;
            }
        }

        for (var i = 0; i < copies; i++)
        {
            // Random sequence numbers among equal delivery times reorder messages.
            var delay = _chaos ? _random.Next(_maxDelay + 1) : _random.Next(2);
            _network.Add(new InFlight(_now + delay, _chaos ? _random.NextInt64() : _nextSequence++, message));
        }
    }

    private void InjectFaults()
    {
        if (_partitionUntil >= 0 && _now >= _partitionUntil)
        {
            Array.Fill(_group, 0);
            _partitionUntil = -1;
            Trace("partition healed");
        }
        else if (_partitionUntil < 0 && _random.NextDouble() < 0.01)
        {
            for (var i = 0; i < _group.Length; i++)
            {
                _group[i] = _random.Next(2);
            }

            _partitionUntil = (int)_now + 20 + _random.Next(80);
            _partitions++;
            Trace($"partition {string.Join(' ', _group)}");
        }

        for (var i = 0; i < _nodes.Length; i++)
        {
            if (!_nodes[i].IsUp && _now >= _downUntil[i])
            {
                RestartNode(i);
            }
        }

        if (_random.NextDouble() < 0.004 && _nodes.FirstOrDefault(n => n.IsUp && n.Raft.Role == RaftRole.Leader) is { } leader)
        {
            // A planned handover (TimeoutNow) in the middle of the chaos.
            var target = (ulong)_random.Next(_nodes.Length) + 1;
            leader.Raft.TransferLeadership(target);
            _transfers++;
            Trace($"transfer {leader.Id} -> {target}");
        }

        var down = _nodes.Count(n => !n.IsUp);
        if (_random.NextDouble() < 0.006 && down < (_nodes.Length - 1) / 2 + (_random.Next(4) == 0 ? 1 : 0))
        {
            var victim = _random.Next(_nodes.Length);
            if (_nodes[victim].IsUp)
            {
                // Crash before this step's Ready is processed: whatever the node accepted but did not persist is lost.
                _nodes[victim].Crash();
                // A third of crashes are quick restarts (a process kill), the rest longer outages.
                _downUntil[victim] = (int)_now + (_random.Next(3) == 0 ? 1 : 5 + _random.Next(60));
                _crashes++;
                Trace($"crash {victim + 1}");
            }
        }
    }

    private void RestartNode(int index)
    {
        _nodes[index].Restart();
        Trace($"restart {index + 1} {_nodes[index].Raft.Status()}");
    }

    private void ProcessReady(SimulatedNode node)
    {
        if (!node.Raft.HasReady)
        {
            return;
        }

        var ready = node.Raft.GetReady();
        if (ready.SoftState is { Role: RaftRole.Leader })
        {
            _elections++;
            Trace($"{node.Id} leads term {node.Raft.Term}");
        }

        // 1. Persist (the simulated storage is durable).
        if (!ready.HardState.IsEmpty)
        {
            node.Storage.SetHardState(ready.HardState);
        }

        if (ready.Snapshot is { } snapshot)
        {
            node.Storage.ApplySnapshot(snapshot);
        }

        node.Storage.Append(ready.Entries);

        // 2. Send.
        foreach (var message in ready.Messages)
        {
            Send(message);
        }

        // 3. Apply.
        if (ready.Snapshot is { } installed)
        {
            node.InstallSnapshot(installed);
            _snapshotsInstalled++;
            Trace($"{node.Id} installed snapshot {installed.Index}");
        }

        foreach (var entry in ready.CommittedEntries)
        {
            RecordCommitted(node, entry);
            var operationId = node.Apply(entry);
            if (operationId != 0 && node.PendingWrites.Remove(operationId, out var request))
            {
                Complete(request, value: request.Value);
                _writesAcknowledged++;
            }
        }

        foreach (var readState in ready.ReadStates)
        {
            if (node.PendingReads.Remove(readState.RequestId, out var request))
            {
                node.ReadyReads.Add((readState.Index, request));
            }
        }

        ServeReadyReads(node);
        node.Raft.Advance(ready);
        MaybeCompact(node);
    }

    private void ServeReadyReads(SimulatedNode node)
    {
        for (var i = node.ReadyReads.Count - 1; i >= 0; i--)
        {
            var (index, request) = node.ReadyReads[i];
            if (node.AppliedIndex >= index)
            {
                node.ReadyReads.RemoveAt(i);
                Complete(request, node.State.GetValueOrDefault(request.Key));
                _readsServed++;
            }
        }
    }

    private void MaybeCompact(SimulatedNode node)
    {
        node.Storage.Snapshot(out var current);
        if (node.AppliedIndex < current.Index + (ulong)_snapshotInterval || node.AppliedIndex > node.Storage.LastIndex)
        {
            return;
        }

        node.Storage.CreateSnapshot(node.AppliedIndex, node.Raft.Voters, SimulatedNode.Encode(node.State));

        // Keep a few entries so that slightly lagging followers catch up from the log, not always by snapshot.
        var keep = (ulong)_random.Next(4);
        if (node.AppliedIndex > keep)
        {
            node.Storage.Compact(node.AppliedIndex - keep);
        }
    }
}
