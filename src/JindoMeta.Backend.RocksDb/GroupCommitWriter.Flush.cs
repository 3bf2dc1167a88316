using System.Diagnostics;
using JindoMeta.Namespace.Errors;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

internal sealed partial class GroupCommitWriter
{
    private void RunFlusher()
    {
        while (true)
        {
            _flushRequested.Wait();
            _flushRequested.Reset();
            var group = Interlocked.Exchange(ref _toFlush, null);
            if (group is null)
            {
                if (_stopping)
                {
                    return;
                }

                continue;
            }

            try
            {
                Flush(group);
            }
            finally
            {
                group.Flushed.Set(); // even on a bug: the executor and Dispose wait on it
            }
        }
    }

    private void Flush(CommitGroup group)
    {
        if (_failure is null && group.Batch.Count > 0)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                _store.Database.Write(group.Batch, _options.SyncWrites);
                if (_options.SyncWrites)
                {
                    _metrics.SyncedWrite(Stopwatch.GetElapsedTime(started));
                    Interlocked.Increment(ref _syncedWrites);
                }

                Volatile.Write(ref _lastChangeIndex, group.LastChangeIndex);
            }
            catch (Exception e) when (e is RocksDbException or ObjectDisposedException or InvalidOperationException)
            {
                StopWrites(new NamespaceError(ErrorCode.StorageFailure,
                    $"Writing to the namespace store failed ({e.Message}); no further writes are accepted until a restart. " +
                    "The outcome of the operations in flight is unknown."));
            }
        }

        _metrics.GroupCommitted(group.Commands.Count);
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _commands, group.Commands.Count);
        var failure = _failure;
        foreach (var pending in group.Commands)
        {
            pending.Completion.TrySetResult(failure is null ? pending.Result : failure);
        }
    }
}
