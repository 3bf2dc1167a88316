using System.Threading.Channels;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.RocksDb;
using JindoMeta.Namespace.Schema;


namespace JindoMeta.Backend.RocksDb;

internal sealed partial class GroupCommitWriter
{
    private long _lastTimestamp;

    private void RunExecutor()
    {
        var reader = _queue.Reader;
        using var first = new CommitGroup(_cache);
        using var second = new CommitGroup(_cache);
        var current = first;
        CommitGroup? inFlight = null;
        var assignedChangeIndex = _lastChangeIndex;
        while (WaitForWork(reader))
        {
            while (current.Commands.Count < _options.MaxCommandsPerBatch && reader.TryRead(out var next))
            {
                current.Commands.Add(next);
            }

            if (_failure is null)
            {
                assignedChangeIndex = Execute(current, assignedChangeIndex);
            }

            // Hand over once the previous group is durable; meanwhile this group was executed on top of it.
            if (inFlight is not null)
            {
                inFlight.Flushed.Wait();
                if (_failure is null)
                {
                    _cache.Committed(inFlight.Overlay.Effects);
                    _retryCache.Written(inFlight.RetryMark);
                }
                else
                {
                    _cache.Clear();
                    _retryCache.Reset();
                }

                current.Overlay.Rebase(_cache);
            }

            current.Flushed.Reset();
            _toFlush = current;
            _flushRequested.Set();
            inFlight = current;
            current = ReferenceEquals(current, first) ? second : first;
            current.Flushed.Wait(); // the group we reuse was flushed two rounds ago
            current.Reset(inFlight.Overlay);
        }

        inFlight?.Flushed.Wait();
    }

    /// <summary>Runs every command of the group and stages its rows; returns the group's last change index.</summary>
    private long Execute(CommitGroup group, long changeIndex)
    {
        var firstIndex = changeIndex;
        foreach (var pending in group.Commands)
        {
            var timestamp = _lastTimestamp = Math.Max(_lastTimestamp, _clock.GetUtcNow().ToUnixTimeMilliseconds());
            CommandOutcome outcome;
            try
            {
                if (_retryCache.TryFind(_store, pending.Call, timestamp, out var remembered))
                {
                    pending.Result = remembered; // a retry of a call already executed: its first outcome, no change
                    continue;
                }

                outcome = _engine.Execute(group.Overlay, pending.Command, timestamp);
            }
            catch (Exception e) when (e is InvalidDataException or RocksDbException)
            {
                // A damaged row or a failed read fails this command only: its effects were never applied to the
                // group's overlay, and the rest of the namespace stays writable.
                pending.Result = new NamespaceError(ErrorCode.StorageFailure, $"Reading the namespace store failed: {e.Message}");
                continue;
            }
            catch (Exception e)
            {
                // An engine bug: stop writing rather than guess; every pending and later command gets the error.
                StopWrites(new NamespaceError(ErrorCode.StorageFailure, $"The namespace writer stopped after an internal error: {e.GetType().Name}: {e.Message}"));
                return changeIndex;
            }

            pending.Result = outcome.ToResult();
            if (!pending.Call.IsNone)
            {
                try
                {
                    _retryCache.Record(_store, group.Batch, pending.Call, timestamp, pending.Result);
                }
                catch (Exception e)
                {
                    // Half-staged cache rows would leave the batch inconsistent: write nothing more.
                    StopWrites(new NamespaceError(ErrorCode.StorageFailure, $"The namespace writer stopped recording a call's outcome: {e.GetType().Name}: {e.Message}"));
                    return changeIndex;
                }
            }

            if (outcome.Effects.Count == 0)
            {
                continue;
            }

            group.Overlay.Apply(outcome.Effects);
            var rows = RowChange.FromEffects(outcome.Effects);
            foreach (var row in rows)
            {
                group.Rows.Add(row);
            }

            changeIndex++;
            _store.StageChangeEntry(group.Batch, changeIndex, timestamp, rows);
        }

        if (changeIndex != firstIndex)
        {
            group.Rows.StageInto(_store, group.Batch);
            _store.StageLastChangeIndex(group.Batch, changeIndex);
            Interlocked.Add(ref _rowsWritten, group.Rows.Count + (changeIndex - firstIndex) + 1); // + feed entries + last index
        }

        group.LastChangeIndex = changeIndex;
        group.RetryMark = _retryCache.Mark();
        return changeIndex;
    }

    /// <summary>Blocks until a command is queued; false once the queue is closed and drained.</summary>
    private bool WaitForWork(ChannelReader<PendingCommand> reader)
    {
        while (true)
        {
            if (reader.TryPeek(out _))
            {
                return true;
            }

            if (reader.Completion.IsCompleted)
            {
                return false;
            }

            // Announce sleep, then look again: a submitter that missed the flag has already queued its command.
            _idle = true;
            Interlocked.MemoryBarrier();
            if (!reader.TryPeek(out _) && !reader.Completion.IsCompleted)
            {
                _wake.Wait();
            }

            _idle = false;
            _wake.Reset();
        }
    }
}

