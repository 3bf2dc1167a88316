using System.Diagnostics;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots;

internal sealed partial class ActiveSession
{
    private enum LeaseWrite
    {
        Written,
        Fenced,
        Unknown,
    }

    private long RenewTicks => _leaseTicks / 4;

    private void RunWriter()
    {
        var reader = _queue.Reader;
        var group = new List<PendingCommand>(_options.MaxCommandsPerCommit);
        while (true)
        {
            var due = Math.Max(0, _lastLeaseWrite + RenewTicks - Stopwatch.GetTimestamp());
            bool ready;
            try
            {
                var wait = reader.WaitToReadAsync(_stop.Token).AsTask();
                ready = wait.Wait(TimeSpan.FromSeconds(due / (double)Stopwatch.Frequency)) ? wait.Result : !reader.Completion.IsCompleted;
            }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException)
            {
                break;
            }

            if (Volatile.Read(ref _lost) != 0)
            {
                break;
            }

            if (!ready && reader.Completion.IsCompleted)
            {
                break;
            }

            while (group.Count < _options.MaxCommandsPerCommit && reader.TryRead(out var next))
            {
                group.Add(next);
            }

            if (group.Count == 0)
            {
                Renew();
                continue;
            }

            WaitForApplier();
            ExecuteAndCommit(group);
            group.Clear();
            if (Stopwatch.GetTimestamp() - _lastLeaseWrite >= RenewTicks)
            {
                Renew();
            }
        }

        // The term is over: whatever is still queued was never executed.
        while (reader.TryRead(out var left))
        {
            left.Completion.TrySetResult(NamespaceError.NoLeader);
        }
    }

    private void ExecuteAndCommit(List<PendingCommand> group)
    {
        if (Volatile.Read(ref _lost) != 0)
        {
            Answer(group, NamespaceError.NoLeader);
            return;
        }

        try
        {
            _state.Prefetch(group.SelectMany(p => PathsOf(p.Command)));
        }
        catch (Exception e) when (IsTableFailure(e))
        {
            _logger.LogDebug("Namespace {Namespace}: prefetch failed ({Error}); the commands read one row at a time", _options.NamespaceName, OneLine(e));
        }

        var overlay = new OverlayState(_state);
        long timestamp = 0;
        foreach (var pending in group)
        {
            timestamp = _lastTimestamp = Math.Max(_lastTimestamp, _clock.GetUtcNow().ToUnixTimeMilliseconds());
            try
            {
                var outcome = _engine.Execute(overlay, pending.Command, timestamp);
                if (outcome.IsOk)
                {
                    overlay.Apply(outcome.Effects);
                }

                pending.Result = outcome.ToResult();
            }
            catch (Exception e) when (IsTableFailure(e))
            {
                pending.Result = new NamespaceError(ErrorCode.Unavailable, $"Reading the namespace table failed: {OneLine(e)}");
            }
        }

        if (overlay.Effects.Count == 0)
        {
            Answer(group);
            return;
        }

        var rows = LocalRow.FromEffects(overlay.Effects);
        var payload = ChangeFeedCodec.Encode(timestamp, rows);
        var seq = _committed + 1;
        var pieces = 0;
        ColumnValue entry;
        if (payload.Length <= CommittedEntry.MaxInlineBytes)
        {
            entry = ColumnValue.Binary(payload);
        }
        else
        {
            pieces = WritePieces(seq, payload);
            if (pieces == 0)
            {
                StepDown("the pieces of a large commit could not be written within the lease time");
                Answer(group, NamespaceError.NoLeader);
                return;
            }

            entry = CommittedEntry.PieceReference(Epoch, pieces);
        }

        switch (WriteLease(seq, entry))
        {
            case LeaseWrite.Written:
                Volatile.Write(ref _committed, seq);
                _entryColumns.Add(seq);
                Admit(new CommittedEntry(seq, rows, Epoch, pieces));
                _nextInodeId = overlay.NextInodeId;
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _commands, group.Count);
                Answer(group);
                break;
            case LeaseWrite.Fenced:
                StepDown("another server took the lease (its epoch is newer): nothing more is written by this one");
                Answer(group, NamespaceError.NoLeader);
                break;
            default:
                StepDown("a commit could not reach Tablestore within the lease time");
                Answer(group, new NamespaceError(ErrorCode.OutcomeUnknown,
                    "Tablestore did not answer the commit within the lease time: the operation may or may not have been applied; check before retrying"));
                break;
        }
    }

    private static IEnumerable<string> PathsOf(NamespaceCommand command) => command switch
    {
        MkdirsCommand c => [c.Path],
        CreateFileCommand c => [c.Path],
        CompleteFileCommand c => [c.Path],
        DeleteCommand c => [c.Path],
        RenameCommand c => [c.Source, c.Destination],
        SetPermissionCommand c => [c.Path],
        SetOwnerCommand c => [c.Path],
        SetTimesCommand c => [c.Path],
        AppendFileCommand c => [c.Path],
        RecoverLeaseCommand c => [c.Path],
        SetReplicationCommand c => [c.Path],
        _ => [],
    };

    private static void Answer(List<PendingCommand> group, NamespaceError? all = null)
    {
        foreach (var pending in group)
        {
            pending.Completion.TrySetResult(all ?? pending.Result);
        }
    }

    /// <summary>New commands wait while too many commits are not yet in their rows (the lease row holds them meanwhile).</summary>
    private void WaitForApplier()
    {
        while (Volatile.Read(ref _lost) == 0 && _committed - Volatile.Read(ref _appliedThrough) >= _options.MaxUnappliedEntries)
        {
            _appliedSignal.Reset();
            if (_committed - Volatile.Read(ref _appliedThrough) < _options.MaxUnappliedEntries)
            {
                break;
            }

            _appliedSignal.Wait(TimeSpan.FromMilliseconds(100));
            if (Stopwatch.GetTimestamp() - _lastLeaseWrite >= RenewTicks)
            {
                Renew();
            }
        }
    }

    private void Renew()
    {
        switch (WriteLease(null, default))
        {
            case LeaseWrite.Fenced:
                StepDown("another server took the lease (its epoch is newer)");
                break;
            case LeaseWrite.Unknown:
                StepDown("the lease could not be renewed within the lease time");
                break;
        }
    }

    /// <summary>
    /// One conditional write of the lease row: the beat, the new entry if any, and the applied mark with the entry
    /// columns it makes unnecessary. Retried (the same absolute values, so a repeat of a write that did land changes
    /// nothing) until it lands, the epoch condition fails, or the lease time passes.
    /// </summary>
    private LeaseWrite WriteLease(long? seq, ColumnValue entry)
    {
        var beat = _beat + 1;
        var applied = Volatile.Read(ref _appliedThrough);
        var updates = new List<ColumnUpdate>(8) { ColumnUpdate.Put(LeaseRow.BeatColumn, beat) };
        if (seq is { } committed)
        {
            updates.Add(ColumnUpdate.Put(LeaseRow.CommittedColumn, committed));
            updates.Add(ColumnUpdate.Put(LeaseRow.EntryColumn(committed), entry));
        }

        var dropped = _entryColumns.Where(s => s <= applied).Take(512).ToList();
        if (applied > _persistedApplied)
        {
            updates.Add(ColumnUpdate.Put(LeaseRow.AppliedColumn, applied));
        }

        updates.AddRange(dropped.Select(s => ColumnUpdate.DeleteAllVersions(LeaseRow.EntryColumn(s))));
        var giveUp = Stopwatch.GetTimestamp() + _leaseTicks;
        for (var failures = 0; ; failures++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                _client.UpdateRowAsync(_table, OtsTable.LeaseKey, updates, LeaseRow.HeldAt(Epoch)).GetAwaiter().GetResult();
                _beat = beat;
                _persistedApplied = Math.Max(_persistedApplied, applied);
                _entryColumns.ExceptWith(dropped);
                _lastLeaseWrite = started;
                Volatile.Write(ref _validUntil, started + (_leaseTicks * 4 / 5));
                DeletePiecesOfAppliedEntries();
                return LeaseWrite.Written;
            }
            catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
            {
                return LeaseWrite.Fenced;
            }
            catch (Exception e) when (IsTableFailure(e))
            {
                if (Stopwatch.GetTimestamp() >= giveUp || Volatile.Read(ref _lost) != 0)
                {
                    return LeaseWrite.Unknown;
                }

                _logger.LogDebug("Namespace {Namespace}: lease write failed, retrying: {Error}", _options.NamespaceName, OneLine(e));
                Thread.Sleep(Backoff(failures));
            }
        }
    }

    /// <summary>
    /// Deletes, in the background, the pieces of entries written to their rows that the lease row now records as
    /// applied. Not sooner: a next active replays every entry above that mark and reads its pieces to do so.
    /// </summary>
    private void DeletePiecesOfAppliedEntries()
    {
        var unneeded = new List<CommittedEntry>();
        while (_appliedWithPieces.TryPeek(out var entry) && entry.Seq <= _persistedApplied && _appliedWithPieces.TryDequeue(out entry))
        {
            unneeded.Add(entry);
        }

        if (unneeded.Count > 0)
        {
            var previous = _pieceDeletion;
            _pieceDeletion = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                foreach (var entry in unneeded)
                {
                    await DeletePiecesAsync(entry).ConfigureAwait(false);
                }
            });
        }
    }

    /// <summary>Writes a large entry as piece rows (named by this epoch, so no other term's can collide); 0 if it could not.</summary>
    private int WritePieces(long seq, byte[] payload)
    {
        var count = (payload.Length + CommittedEntry.PieceBytes - 1) / CommittedEntry.PieceBytes;
        var giveUp = Stopwatch.GetTimestamp() + _leaseTicks;
        for (var i = 0; i < count; i++)
        {
            var piece = payload.AsSpan(i * CommittedEntry.PieceBytes, Math.Min(CommittedEntry.PieceBytes, payload.Length - (i * CommittedEntry.PieceBytes))).ToArray();
            for (var failures = 0; ; failures++)
            {
                try
                {
                    _client.PutRowAsync(_table, OtsTable.PieceKey(Epoch, seq, i), [new Column(Replication.ReplicaTable.ValueColumn, piece)]).GetAwaiter().GetResult();
                    break;
                }
                catch (Exception e) when (IsTableFailure(e))
                {
                    if (Stopwatch.GetTimestamp() >= giveUp || Volatile.Read(ref _lost) != 0)
                    {
                        return 0;
                    }

                    Thread.Sleep(Backoff(failures));
                }
            }
        }

        return count;
    }

    private static TimeSpan Backoff(int failures) => TimeSpan.FromMilliseconds(Math.Min(500, 10 << Math.Min(failures, 6)));
}
