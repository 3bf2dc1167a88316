using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Schema;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// The active's copy of the rows it has read or written. It is exact because the active is the only writer while it
/// holds the lease: every committed change enters here (dirty, until its rows are written to the table) before its
/// command is answered, and a row fetched from the table enters only if nothing could have changed it since the fetch
/// began (<see cref="Mark"/>). Directories listed whole are kept as complete name sets, so listing them costs no call.
/// </summary>
/// <remarks>Thread-safe. Bounded: past capacity every clean row is dropped at once (dirty rows stay), which also
/// invalidates fetches in flight; the hot top of the tree refills at once.</remarks>
internal sealed class RowCache(int capacity)
{
    /// <summary>Directories with at most this many children are kept whole.</summary>
    public const int MaxCompleteChildren = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(long Parent, string Name), CachedRow> _rows = [];
    private readonly Dictionary<long, SortedDictionary<string, CachedRow>> _dirtyByParent = [];
    private readonly Dictionary<long, SortedSet<string>> _complete = [];
    private readonly Dictionary<long, long> _lastChange = [];
    private long _generation;
    private long _changes;
    private long _hits;
    private long _misses;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    /// <summary>Taken before a fetch from the table: what its result is checked against before it may enter.</summary>
    public readonly record struct FetchMark(long Generation, long Changes);

    public FetchMark Mark()
    {
        lock (_gate)
        {
            return new FetchMark(_generation, _changes);
        }
    }

    public bool TryGet(long parent, string name, out InodeRecord? record)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue((parent, name), out var row))
            {
                _hits++;
                record = row.Record;
                return true;
            }

            if (_complete.ContainsKey(parent))
            {
                _hits++; // a directory known whole: a name not in it is absent
                record = null;
                return true;
            }

            _misses++;
            record = null;
            return false;
        }
    }

    /// <summary>Like <see cref="TryGet"/>, without counting a hit or a miss (prefetching looks before the engine does).</summary>
    public bool TryPeek(long parent, string name, out InodeRecord? record)
    {
        lock (_gate)
        {
            var found = _rows.TryGetValue((parent, name), out var row);
            record = row?.Record;
            return found || _complete.ContainsKey(parent);
        }
    }

    /// <summary>A row read from the table (null record: absent or a tombstone); returns what the caller should see.</summary>
    public InodeRecord? Fetched(long parent, string name, InodeRecord? record, long index, FetchMark mark)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue((parent, name), out var known))
            {
                return known.Record;
            }

            if (mark.Generation == _generation)
            {
                MakeRoom();
                _rows[(parent, name)] = new CachedRow(record, index, Dirty: false);
            }

            return record;
        }
    }

    /// <summary>
    /// Committed rows, not yet in the table: they shadow the table until <see cref="Applied"/>. A directory whose id is
    /// at least <paramref name="firstNewInodeId"/> was made by this entry, so it is known whole (and empty) at once:
    /// creating in a new directory never asks the table whether a name is free.
    /// </summary>
    public void Committed(long seq, IReadOnlyList<LocalRow> rows, long firstNewInodeId = long.MaxValue)
    {
        lock (_gate)
        {
            _changes++;
            foreach (var row in rows)
            {
                if (row.Table != NamespaceSchema.DentriesTable)
                {
                    continue;
                }

                var (parent, name) = NamespaceSchema.ParseDentryKey(row.Key);
                var cached = new CachedRow(row.Value is null ? null : InodeRecordCodec.Decode(row.Value), seq, Dirty: true);
                _rows[(parent, name)] = cached;
                if (!_dirtyByParent.TryGetValue(parent, out var dirty))
                {
                    dirty = new SortedDictionary<string, CachedRow>(Utf8NameComparer.Instance);
                    _dirtyByParent[parent] = dirty;
                }

                dirty[name] = cached;
                _lastChange[parent] = _changes;
                if (cached.Record is { IsDirectory: true } directory && directory.Id >= firstNewInodeId)
                {
                    _complete[directory.Id] = new SortedSet<string>(Utf8NameComparer.Instance);
                }

                if (_complete.TryGetValue(parent, out var names))
                {
                    if (cached.Record is null)
                    {
                        names.Remove(name);
                    }
                    else if (names.Add(name) && names.Count > MaxCompleteChildren)
                    {
                        _complete.Remove(parent);
                    }
                }
            }
        }
    }

    /// <summary>These rows are now in the table as of <c>seq</c>: their entries may be dropped when room is needed.</summary>
    public void Applied(IEnumerable<(long Parent, string Name, long Seq)> rows)
    {
        lock (_gate)
        {
            foreach (var (parent, name, seq) in rows)
            {
                if (_rows.TryGetValue((parent, name), out var row) && row.Seq == seq && row.Dirty)
                {
                    _rows[(parent, name)] = row with { Dirty = false };
                }

                if (_dirtyByParent.TryGetValue(parent, out var dirty) && dirty.TryGetValue(name, out var pending) && pending.Seq == seq)
                {
                    dirty.Remove(name);
                    if (dirty.Count == 0)
                    {
                        _dirtyByParent.Remove(parent);
                    }

                    // A change for FetchedWhole: a listing whose page was read before this row's write landed, and
                    // that takes its dirty rows after this, would see the row in neither and cache the directory without it.
                    _lastChange[parent] = ++_changes;
                }
            }
        }
    }

    /// <summary>Committed rows of <paramref name="parent"/> not yet in the table, after <paramref name="startAfter"/>, in name order.</summary>
    public List<KeyValuePair<string, InodeRecord?>> DirtyChildren(long parent, string? startAfter)
    {
        lock (_gate)
        {
            if (!_dirtyByParent.TryGetValue(parent, out var dirty))
            {
                return [];
            }

            var comparer = Utf8NameComparer.Instance;
            return dirty.Where(d => startAfter is null || comparer.Compare(d.Key, startAfter) > 0)
                .Select(d => new KeyValuePair<string, InodeRecord?>(d.Key, d.Value.Record))
                .ToList();
        }
    }

    /// <summary>The children of a directory known whole, after <paramref name="startAfter"/>; false: not known whole.</summary>
    public bool TryListWhole(long parent, string? startAfter, out List<KeyValuePair<string, InodeRecord>> children)
    {
        lock (_gate)
        {
            if (!_complete.TryGetValue(parent, out var names))
            {
                children = [];
                return false;
            }

            children = new List<KeyValuePair<string, InodeRecord>>(names.Count);
            foreach (var name in names)
            {
                if ((startAfter is null || Utf8NameComparer.Instance.Compare(name, startAfter) > 0) &&
                    _rows.TryGetValue((parent, name), out var row) && row.Record is { } record)
                {
                    children.Add(new(name, record));
                }
            }

            _hits++;
            return true;
        }
    }

    /// <summary>
    /// Every row of <paramref name="parent"/> as read from the table in one page: the directory becomes known whole
    /// if no commit touched it since <paramref name="mark"/> (the page plus the dirty rows is then its exact content).
    /// </summary>
    public void FetchedWhole(long parent, IReadOnlyList<(string Name, InodeRecord? Record, long Index)> rows, FetchMark mark)
    {
        lock (_gate)
        {
            if (mark.Generation != _generation || (_lastChange.TryGetValue(parent, out var changed) && changed > mark.Changes) ||
                rows.Count > MaxCompleteChildren || _rows.Count + rows.Count >= capacity)
            {
                return;
            }

            var names = new SortedSet<string>(Utf8NameComparer.Instance);
            foreach (var (name, record, index) in rows)
            {
                if (!_rows.TryGetValue((parent, name), out var known))
                {
                    known = new CachedRow(record, index, Dirty: false);
                    _rows[(parent, name)] = known;
                }

                if (known.Record is not null)
                {
                    names.Add(name);
                }
            }

            if (_dirtyByParent.TryGetValue(parent, out var dirty))
            {
                foreach (var (name, row) in dirty)
                {
                    if (row.Record is null)
                    {
                        names.Remove(name);
                    }
                    else
                    {
                        names.Add(name);
                    }
                }
            }

            _complete[parent] = names;
        }
    }

    private void MakeRoom()
    {
        if (_rows.Count < capacity)
        {
            return;
        }

        foreach (var key in _rows.Where(r => !r.Value.Dirty).Select(r => r.Key).ToList())
        {
            _rows.Remove(key);
        }

        _complete.Clear();
        _lastChange.Clear();
        _generation++;
    }

    private sealed record CachedRow(InodeRecord? Record, long Seq, bool Dirty);
}
