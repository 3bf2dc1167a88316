namespace JindoMeta.Raft;

/// <summary>Entries and a snapshot the node has accepted but not yet handed to storage. They are lost in a crash,
/// which is safe because nothing that depends on them has been sent or acknowledged yet.</summary>
internal sealed class UnstableLog
{
    private List<Entry> _entries = [];

    /// <summary>The log index of <c>Entries[0]</c> (or where the next entry will go).</summary>
    public ulong Offset { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public UnstableLog(ulong offset) => Offset = offset;

    public bool TryFirstIndex(out ulong index)
    {
        index = Snapshot is null ? 0 : Snapshot.Index + 1;
        return Snapshot is not null;
    }

    public bool TryLastIndex(out ulong index)
    {
        if (_entries.Count > 0)
        {
            index = Offset + (ulong)_entries.Count - 1;
            return true;
        }

        index = Snapshot?.Index ?? 0;
        return Snapshot is not null;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is not null && Snapshot.Index == index)
            {
                term = Snapshot.Term;
                return true;
            }

            return false;
        }

        if (!TryLastIndex(out var last) || index > last)
        {
            return false;
        }

        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>Storage now holds everything up to <paramref name="index"/> (with that term): forget it here.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var found) || found != term || index < Offset)
        {
            // Either the entry was replaced by a newer leader's since the Ready was taken, or it is already stable.
            return;
        }

        var remove = (int)(index + 1 - Offset);
        _entries.RemoveRange(0, remove);
        Offset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Index == index)
        {
            Snapshot = null;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Index + 1;
        _entries = [];
        Snapshot = snapshot;
    }

    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        var after = entries[0].Index;
        if (after == Offset + (ulong)_entries.Count)
        {
            // The common case: a direct continuation.
        }
        else if (after <= Offset)
        {
            // Replaces everything unstable; storage truncates its own suffix when these are persisted.
            Offset = after;
            _entries = [];
        }
        else
        {
            _entries.RemoveRange((int)(after - Offset), _entries.Count - (int)(after - Offset));
        }

        for (var i = 0; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
        }
    }

    /// <summary>Copies unstable entries in <c>[low, high)</c>.</summary>
    public void Slice(ulong low, ulong high, List<Entry> into)
    {
        for (var index = low; index < high; index++)
        {
            into.Add(_entries[(int)(index - Offset)]);
        }
    }
}
