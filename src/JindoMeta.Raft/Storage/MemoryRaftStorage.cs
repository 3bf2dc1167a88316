namespace JindoMeta.Raft;

/// <summary>An <see cref="IRaftStorage"/> kept in memory, used by tests, the simulation and benchmarks. It also
/// models "durable" storage in the simulation: what is here survives a simulated crash.</summary>
/// <remarks>Thread-safe: a lock guards every member, so a reader thread may inspect it while the driver writes.</remarks>
public sealed class MemoryRaftStorage : IRaftLogStore
{
    private readonly Lock _lock = new();

    // _entries[0] is a placeholder carrying the snapshot's index and term, so Term(FirstIndex - 1) is answerable.
    private readonly List<Entry> _entries = [new Entry(0, 0, [])];
    private HardState _hardState;
    private Snapshot _snapshot = Raft.Snapshot.Empty;

    public MemoryRaftStorage(IReadOnlyList<ulong>? voters = null)
    {
        if (voters is not null)
        {
            _snapshot = new Snapshot(new SnapshotMetadata(0, 0, voters), SnapshotData.Empty);
        }
    }

    public RaftInitialState InitialState()
    {
        lock (_lock)
        {
            return new RaftInitialState(_hardState, _snapshot.Metadata.Voters);
        }
    }

    public HardState HardState
    {
        get
        {
            lock (_lock)
            {
                return _hardState;
            }
        }
    }

    public void SetHardState(HardState hardState)
    {
        lock (_lock)
        {
            _hardState = hardState;
        }
    }

    public ulong FirstIndex
    {
        get
        {
            lock (_lock)
            {
                return _entries[0].Index + 1;
            }
        }
    }

    public ulong LastIndex
    {
        get
        {
            lock (_lock)
            {
                return _entries[0].Index + (ulong)_entries.Count - 1;
            }
        }
    }

    public StorageStatus Entries(ulong low, ulong high, ulong maxBytes, List<Entry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_lock)
        {
            var offset = _entries[0].Index;
            if (low <= offset)
            {
                return StorageStatus.Compacted;
            }

            if (high > offset + (ulong)_entries.Count)
            {
                return StorageStatus.Unavailable;
            }

            ulong size = 0;
            for (var index = low; index < high; index++)
            {
                var entry = _entries[(int)(index - offset)];
                size += entry.SizeBytes;
                if (index > low && size > maxBytes)
                {
                    break;
                }

                into.Add(entry);
            }

            return StorageStatus.Ok;
        }
    }

    public StorageStatus Term(ulong index, out ulong term)
    {
        lock (_lock)
        {
            var offset = _entries[0].Index;
            term = 0;
            if (index < offset)
            {
                return StorageStatus.Compacted;
            }

            if (index - offset >= (ulong)_entries.Count)
            {
                return StorageStatus.Unavailable;
            }

            term = _entries[(int)(index - offset)].Term;
            return StorageStatus.Ok;
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

    public void Persist(HardState hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot, bool sync)
    {
        lock (_lock)
        {
            if (!hardState.IsEmpty)
            {
                SetHardState(hardState);
            }

            if (snapshot is not null)
            {
                ApplySnapshot(snapshot);
            }

            Append(entries);
        }
    }

    /// <summary>Replaces the log with a received snapshot (the follower side of snapshot installation).</summary>
    /// <returns>False if the snapshot is older than the one held (a stale delivery; nothing changes).</returns>
    public bool ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (snapshot.Index <= _snapshot.Index)
            {
                return false;
            }

            _snapshot = snapshot;
            _entries.Clear();
            _entries.Add(new Entry(snapshot.Index, snapshot.Term, []));
            return true;
        }
    }

    public SnapshotSink CreateSnapshotSink(SnapshotMetadata metadata, ulong length) => new MemorySnapshotSink(length);

    /// <summary>Records a snapshot the local state machine made at <paramref name="index"/> (which must be applied,
    /// hence stored). Does not compact; call <see cref="Compact"/> for that.</summary>
    public Snapshot CreateSnapshot(ulong index, IReadOnlyList<ulong> voters, Action<Stream> writeContent)
    {
        ArgumentNullException.ThrowIfNull(writeContent);
        using var content = new MemoryStream();
        writeContent(content);
        return CreateSnapshot(index, voters, content.ToArray());
    }

    /// <summary>As <see cref="CreateSnapshot(ulong, IReadOnlyList{ulong}, Action{Stream})"/> with the content at hand.</summary>
    public Snapshot CreateSnapshot(ulong index, IReadOnlyList<ulong> voters, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        lock (_lock)
        {
            if (index <= _snapshot.Index)
            {
                return _snapshot;
            }

            var offset = _entries[0].Index;
            if (index > offset + (ulong)_entries.Count - 1)
            {
                throw new InvalidOperationException($"Snapshot index {index} is beyond the last stored index {offset + (ulong)_entries.Count - 1}.");
            }

            _snapshot = new Snapshot(new SnapshotMetadata(index, _entries[(int)(index - offset)].Term, voters), new MemorySnapshotData(data));
            return _snapshot;
        }
    }

    /// <summary>Discards entries before <paramref name="compactIndex"/>; the entry at it becomes the placeholder.</summary>
    public void Compact(ulong compactIndex)
    {
        lock (_lock)
        {
            var offset = _entries[0].Index;
            if (compactIndex <= offset)
            {
                return;
            }

            var last = offset + (ulong)_entries.Count - 1;
            if (compactIndex > last)
            {
                throw new InvalidOperationException($"Compact index {compactIndex} is beyond the last stored index {last}.");
            }

            var keep = (int)(compactIndex - offset);
            var placeholder = _entries[keep];
            _entries.RemoveRange(0, keep);
            _entries[0] = new Entry(placeholder.Index, placeholder.Term, []);
        }
    }

    /// <summary>Appends entries, replacing any stored suffix they conflict with (entries must be contiguous).</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            var offset = _entries[0].Index;
            var first = entries[0].Index;
            var skip = 0;
            if (first <= offset)
            {
                // Entries already covered by the snapshot are dropped; they are committed and identical.
                skip = (int)Math.Min((ulong)entries.Count, offset + 1 - first);
                first = offset + 1;
            }

            if (skip == entries.Count)
            {
                return;
            }

            var position = first - offset;
            if (position > (ulong)_entries.Count)
            {
                throw new InvalidOperationException($"Missing log entries: last stored is {offset + (ulong)_entries.Count - 1}, appending from {first}.");
            }

            _entries.RemoveRange((int)position, _entries.Count - (int)position);
            for (var i = skip; i < entries.Count; i++)
            {
                _entries.Add(entries[i]);
            }
        }
    }
}
