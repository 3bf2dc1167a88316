using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.LogStore;

public sealed partial class RocksRaftLogStore
{
    public ulong FirstIndex
    {
        get
        {
            lock (_lock)
            {
                return _startIndex + 1;
            }
        }
    }

    public ulong LastIndex
    {
        get
        {
            lock (_lock)
            {
                return _lastIndex;
            }
        }
    }

    public RaftInitialState InitialState()
    {
        lock (_lock)
        {
            return new RaftInitialState(_hardState, _snapshot.Metadata.Voters);
        }
    }

    public StorageStatus Snapshot(out Snapshot snapshot)
    {
        lock (_lock)
        {
            snapshot = _snapshot;
            return StorageStatus.Ok;
        }
    }

    public StorageStatus Term(ulong index, out ulong term)
    {
        term = 0;
        lock (_lock)
        {
            if (index < _startIndex)
            {
                return StorageStatus.Compacted;
            }

            if (index > _lastIndex)
            {
                return StorageStatus.Unavailable;
            }

            if (index == _startIndex)
            {
                term = _startTerm;
                return StorageStatus.Ok;
            }

            if (index == _lastIndex)
            {
                term = _lastTerm;
                return StorageStatus.Ok;
            }

            RaftLogSchema.WriteIndexKey(_keyScratch, index);
            using var value = _database.GetPinned(_log, _keyScratch);
            if (!value.Found)
            {
                throw new InvalidDataException($"The raft log store is corrupt: entry {index} is missing inside the stored range [{_startIndex + 1}, {_lastIndex}].");
            }

            term = RaftLogSchema.DecodeEntryTerm(index, value.Value);
            return StorageStatus.Ok;
        }
    }

    public StorageStatus Entries(ulong low, ulong high, ulong maxBytes, List<Entry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_lock)
        {
            if (low <= _startIndex)
            {
                return StorageStatus.Compacted;
            }

            if (high > _lastIndex + 1)
            {
                return StorageStatus.Unavailable;
            }

            if (low >= high)
            {
                return StorageStatus.Ok;
            }

            RaftLogSchema.WriteIndexKey(_keyScratch, low);
            RaftLogSchema.WriteIndexKey(_upperKeyScratch, high);
            using var iterator = _database.NewIterator(_log, _keyScratch, _upperKeyScratch);
            ulong size = 0;
            var expected = low;
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                var index = RaftLogSchema.ReadIndexKey(iterator.Key);
                if (index != expected)
                {
                    throw new InvalidDataException($"The raft log store is corrupt: found entry {index} where {expected} was expected.");
                }

                var entry = RaftLogSchema.DecodeEntry(index, iterator.Value);
                size += entry.SizeBytes;
                if (index > low && size > maxBytes)
                {
                    break;
                }

                into.Add(entry);
                expected++;
            }

            if (expected == low)
            {
                throw new InvalidDataException($"The raft log store is corrupt: entries [{low}, {high}) are missing.");
            }

            return StorageStatus.Ok;
        }
    }
}
