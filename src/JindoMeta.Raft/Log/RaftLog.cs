namespace JindoMeta.Raft;

/// <summary>The node's view of its log: stable entries in <see cref="IRaftStorage"/> followed by unstable ones,
/// with the commit and apply positions.</summary>
/// <remarks>Invariant: <c>Applied &lt;= Committed &lt;= LastIndex</c>.</remarks>
internal sealed class RaftLog
{
    private readonly IRaftStorage _storage;
    private readonly List<Entry> _scratch = [];

    public RaftLog(IRaftStorage storage)
    {
        _storage = storage;
        var first = storage.FirstIndex;
        Unstable = new UnstableLog(storage.LastIndex + 1);
        Committed = first - 1;
        Applied = first - 1;
    }

    public UnstableLog Unstable { get; }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public ulong FirstIndex => Unstable.TryFirstIndex(out var index) ? index : _storage.FirstIndex;

    public ulong LastIndex => Unstable.TryLastIndex(out var index) ? index : _storage.LastIndex;

    public ulong LastTerm => TermOrZero(LastIndex);

    public StorageStatus Term(ulong index, out ulong term)
    {
        if (Unstable.TryTerm(index, out term))
        {
            return StorageStatus.Ok;
        }

        term = 0;
        if (index + 1 < FirstIndex)
        {
            return StorageStatus.Compacted;
        }

        if (index > LastIndex)
        {
            return StorageStatus.Unavailable;
        }

        var status = _storage.Term(index, out term);
        return status;
    }

    public ulong TermOrZero(ulong index) => Term(index, out var term) == StorageStatus.Ok ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => Term(index, out var found) == StorageStatus.Ok && found == term;

    /// <summary>Raft paper §5.4.1: a candidate's log is at least as up to date as ours if its last term is greater,
    /// or equal with a last index at least as large.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm)
        => lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>Follower side of AppendEntries: accepts <paramref name="entries"/> following (<paramref name="index"/>,
    /// <paramref name="logTerm"/>) if that entry matches, truncating any conflicting suffix.</summary>
    /// <returns>The index of the last entry now known to match the leader, or null if the preceding entry does not match.</returns>
    public ulong? MaybeAppend(ulong index, ulong logTerm, ulong committed, Entry[] entries)
    {
        if (!MatchTerm(index, logTerm))
        {
            return null;
        }

        var lastNew = index + (ulong)entries.Length;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                throw new InvalidOperationException($"Raft invariant broken: entry {conflict} conflicts with committed index {Committed}.");
            }

            var from = (int)(conflict - (index + 1));
            Append(new ArraySegment<Entry>(entries, from, entries.Length - from));
        }

        CommitTo(Math.Min(committed, lastNew));
        return lastNew;
    }

    public ulong Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return LastIndex;
        }

        if (entries[0].Index - 1 < Committed)
        {
            throw new InvalidOperationException($"Raft invariant broken: appending after {entries[0].Index - 1} is below commit index {Committed}.");
        }

        Unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    /// <summary>The index of the first entry whose term differs from ours, or of the first new entry; 0 if all
    /// entries are already present with the same terms.</summary>
    private ulong FindConflict(Entry[] entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>Fast back-off: the largest index at or below <paramref name="index"/> whose term is at most
    /// <paramref name="term"/>; entries above it cannot match a log whose entry at <paramref name="index"/> has that term.</summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        if (index > LastIndex)
        {
            return (index, 0);
        }

        while (true)
        {
            var status = Term(index, out var ourTerm);
            if (status != StorageStatus.Ok || ourTerm <= term)
            {
                return (index, ourTerm);
            }

            if (index == 0)
            {
                return (0, 0);
            }

            index--;
        }
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed)
        {
            return;
        }

        if (index > LastIndex)
        {
            throw new InvalidOperationException($"Commit index {index} is beyond the last index {LastIndex}; the log is corrupt or truncated.");
        }

        Committed = index;
    }

    /// <summary>Commits <paramref name="index"/> only if its entry is from <paramref name="term"/> (paper §5.4.2).</summary>
    public bool MaybeCommit(ulong index, ulong term)
    {
        if (index > Committed && TermOrZero(index) == term)
        {
            CommitTo(index);
            return true;
        }

        return false;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0)
        {
            return;
        }

        if (index > Committed || index < Applied)
        {
            throw new InvalidOperationException($"Applied index {index} must lie between the applied index {Applied} and the commit index {Committed}.");
        }

        Applied = index;
    }

    public void StableTo(ulong index, ulong term) => Unstable.StableTo(index, term);

    public void StableSnapshotTo(ulong index) => Unstable.StableSnapshotTo(index);

    public bool HasNextCommittedEntries => Committed > Math.Max(Applied, FirstIndex - 1);

    /// <summary>Committed entries not yet applied, at most <paramref name="maxBytes"/> (at least one).</summary>
    public List<Entry> NextCommittedEntries(ulong maxBytes)
    {
        var low = Math.Max(Applied + 1, FirstIndex);
        var result = new List<Entry>();
        if (Committed + 1 > low)
        {
            Slice(low, Committed + 1, maxBytes, result);
        }

        return result;
    }

    /// <summary>Entries from <paramref name="low"/> to the end, limited by size; Compacted if below the first index.</summary>
    public StorageStatus EntriesFrom(ulong low, ulong maxBytes, List<Entry> into)
    {
        if (low > LastIndex)
        {
            return StorageStatus.Ok;
        }

        return Slice(low, LastIndex + 1, maxBytes, into);
    }

    public StorageStatus Slice(ulong low, ulong high, ulong maxBytes, List<Entry> into)
    {
        if (low < FirstIndex)
        {
            return StorageStatus.Compacted;
        }

        if (high > LastIndex + 1)
        {
            throw new InvalidOperationException($"Slice [{low}, {high}) is out of bounds (last index {LastIndex}).");
        }

        if (low == high)
        {
            return StorageStatus.Ok;
        }

        var startCount = into.Count;
        if (low < Unstable.Offset)
        {
            var storedHigh = Math.Min(high, Unstable.Offset);
            _scratch.Clear();
            var status = _storage.Entries(low, storedHigh, maxBytes, _scratch);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            into.AddRange(_scratch);
            if ((ulong)_scratch.Count < storedHigh - low)
            {
                // Storage stopped early because of the size limit.
                return StorageStatus.Ok;
            }
        }

        if (high > Unstable.Offset)
        {
            var unstableLow = Math.Max(low, Unstable.Offset);
            _scratch.Clear();
            Unstable.Slice(unstableLow, high, _scratch);
            into.AddRange(_scratch);
        }

        LimitSize(into, startCount, maxBytes);
        return StorageStatus.Ok;
    }

    private static void LimitSize(List<Entry> entries, int start, ulong maxBytes)
    {
        ulong size = 0;
        for (var i = start; i < entries.Count; i++)
        {
            size += entries[i].SizeBytes;
            if (i > start && size > maxBytes)
            {
                entries.RemoveRange(i, entries.Count - i);
                return;
            }
        }
    }

    public StorageStatus Snapshot(out Snapshot snapshot)
    {
        if (Unstable.Snapshot is not null)
        {
            snapshot = Unstable.Snapshot;
            return StorageStatus.Ok;
        }

        return _storage.Snapshot(out snapshot);
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Index;
        Unstable.Restore(snapshot);
    }

    /// <summary>Sets the commit index loaded from storage at start-up.</summary>
    public void LoadCommitted(ulong commit)
    {
        if (commit < Committed || commit > LastIndex)
        {
            throw new InvalidOperationException($"Stored commit index {commit} is outside [{Committed}, {LastIndex}]; the raft log store is inconsistent.");
        }

        Committed = commit;
    }
}
