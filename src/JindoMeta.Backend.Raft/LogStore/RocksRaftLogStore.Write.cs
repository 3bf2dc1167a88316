using System.Diagnostics;
using JindoMeta.Backend.Raft.Snapshots;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.LogStore;

public sealed partial class RocksRaftLogStore
{
    public void Persist(HardState hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot, bool sync)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            _batch.Clear();
            var startIndex = _startIndex;
            var startTerm = _startTerm;
            var lastIndex = _lastIndex;
            var lastTerm = _lastTerm;
            var newSnapshot = _snapshot;
            if (snapshot is not null && snapshot.Index > _snapshot.Index)
            {
                // A snapshot from the leader replaces the whole log. Its bytes are already a file of ours (the core
                // received them into our sink); only the reference goes into the batch.
                var file = _snapshots.Adopt(snapshot.Metadata, snapshot.Data);
                snapshot = ReferenceEquals(file, snapshot.Data) ? snapshot : snapshot with { Data = file };
                _batch.DeleteRange(_log, Key(0), Key(ulong.MaxValue));
                _batch.Put(_state, RaftLogSchema.SnapshotKey, RaftLogSchema.EncodeSnapshot(snapshot.Metadata, file.FileName, file.Length));
                (startIndex, startTerm) = (snapshot.Index, snapshot.Term);
                (lastIndex, lastTerm) = (snapshot.Index, snapshot.Term);
                _batch.Put(_state, RaftLogSchema.LogStartKey, RaftLogSchema.EncodeLogStart(startIndex, startTerm));
                newSnapshot = snapshot;
            }

            var skip = 0;
            while (skip < entries.Count && entries[skip].Index <= startIndex)
            {
                // Already covered by the snapshot: committed, hence identical.
                skip++;
            }

            if (skip < entries.Count)
            {
                var first = entries[skip].Index;
                if (first > lastIndex + 1)
                {
                    throw new InvalidOperationException($"Raft log gap: appending from {first} after last stored entry {lastIndex}.");
                }

                if (first <= lastIndex)
                {
                    // A new leader overwrote our uncommitted suffix: drop it in the same atomic batch.
                    _batch.DeleteRange(_log, Key(first), Key(lastIndex + 1));
                }

                for (var i = skip; i < entries.Count; i++)
                {
                    var entry = entries[i];
                    if (i > skip && entry.Index != entries[i - 1].Index + 1)
                    {
                        throw new InvalidOperationException($"Raft entries to persist are not contiguous: {entries[i - 1].Index} is followed by {entry.Index}.");
                    }

                    var length = RaftLogSchema.EntryHeaderBytes + entry.Data.Length;
                    if (_valueScratch.Length < length)
                    {
                        _valueScratch = new byte[Math.Max(length, _valueScratch.Length * 2)];
                    }

                    RaftLogSchema.EncodeEntryHeader(_valueScratch, entry);
                    entry.Data.CopyTo(_valueScratch.AsSpan(RaftLogSchema.EntryHeaderBytes));
                    RaftLogSchema.WriteIndexKey(_keyScratch, entry.Index);
                    _batch.Put(_log, _keyScratch, _valueScratch.AsSpan(0, length));
                }

                lastIndex = entries[^1].Index;
                lastTerm = entries[^1].Term;
            }

            if (!hardState.IsEmpty)
            {
                _batch.Put(_state, RaftLogSchema.HardStateKey, RaftLogSchema.EncodeHardState(hardState));
            }

            if (_batch.Count == 0)
            {
                return;
            }

            var started = Stopwatch.GetTimestamp();
            _database.Write(_batch, sync);
            if (sync)
            {
                Diagnostics.RaftLogMetrics.SyncedAppend(Stopwatch.GetElapsedTime(started));
                SyncedWrites++;
            }

            // Only now, with the batch durable, does the in-memory view move, and the superseded snapshot file go.
            var replacedSnapshot = !ReferenceEquals(newSnapshot, _snapshot);
            (_startIndex, _startTerm, _lastIndex, _lastTerm, _snapshot) = (startIndex, startTerm, lastIndex, lastTerm, newSnapshot);
            if (replacedSnapshot)
            {
                _snapshots.DeleteAllExcept(((FileSnapshotData)newSnapshot.Data).FileName);
            }

            if (!hardState.IsEmpty)
            {
                _hardState = hardState;
            }
        }
    }

    public SnapshotSink CreateSnapshotSink(SnapshotMetadata metadata, ulong length) => _snapshots.CreateSink(metadata, length);

    public Snapshot CreateSnapshot(ulong index, IReadOnlyList<ulong> voters, Action<Stream> writeContent)
    {
        ArgumentNullException.ThrowIfNull(voters);
        ArgumentNullException.ThrowIfNull(writeContent);
        ulong term;
        lock (_lock)
        {
            if (index <= _snapshot.Index)
            {
                return _snapshot;
            }

            if (Term(index, out term) != StorageStatus.Ok)
            {
                throw new InvalidOperationException($"Cannot snapshot at {index}: the log holds [{_startIndex + 1}, {_lastIndex}].");
            }
        }

        // The file is written outside the lock: it takes as long as copying the state, and readers on other threads
        // (status) only need the positions. The driver loop is the only writer, so nothing moves meanwhile.
        var metadata = new SnapshotMetadata(index, term, [.. voters]);
        var file = _snapshots.Write(metadata, writeContent);
        lock (_lock)
        {
            var snapshot = new Snapshot(metadata, file);
            _database.Put(_state, RaftLogSchema.SnapshotKey, RaftLogSchema.EncodeSnapshot(metadata, file.FileName, file.Length), sync: true);
            SyncedWrites++;
            _snapshot = snapshot;
            _snapshots.DeleteAllExcept(file.FileName);
            return snapshot;
        }
    }

    public void Compact(ulong compactIndex)
    {
        lock (_lock)
        {
            if (compactIndex <= _startIndex)
            {
                return;
            }

            if (compactIndex > _snapshot.Index)
            {
                throw new InvalidOperationException($"Cannot compact the raft log to {compactIndex}: the latest snapshot only covers up to {_snapshot.Index}.");
            }

            if (Term(compactIndex, out var term) != StorageStatus.Ok)
            {
                throw new InvalidOperationException($"Cannot compact the raft log to {compactIndex}: the log holds [{_startIndex + 1}, {_lastIndex}].");
            }

            _batch.Clear();
            _batch.DeleteRange(_log, Key(0), Key(compactIndex + 1));
            _batch.Put(_state, RaftLogSchema.LogStartKey, RaftLogSchema.EncodeLogStart(compactIndex, term));

            // Not synced: losing a compaction in a power failure only leaves more log behind, which is harmless.
            _database.Write(_batch, sync: false);
            (_startIndex, _startTerm) = (compactIndex, term);
        }
    }

    private static byte[] Key(ulong index)
    {
        var key = new byte[8];
        RaftLogSchema.WriteIndexKey(key, index);
        return key;
    }
}
