using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;

namespace JindoMeta.Replication.Tests;

/// <summary>A replica source held in memory: a feed tests append to, and a snapshot of the rows those entries leave.</summary>
public sealed class InMemorySource(string storeId) : IReplicaSource, IChangeFeed
{
    private readonly List<ChangeEntry> _entries = [];
    private readonly SortedDictionary<string, RowChange> _rows = new(StringComparer.Ordinal);
    private long _trimmed;

    public IChangeFeed ChangeFeed => this;
    public string StoreId => storeId;

    public long EstimatedRows
    {
        get
        {
            lock (_entries)
            {
                return _rows.Count;
            }
        }
    }

    public ReplicaOrigin? RecoveredFrom { get; set; }

    public long LastIndex
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count == 0 ? _trimmed : _entries[^1].Index;
            }
        }
    }

    public long FirstIndex
    {
        get
        {
            lock (_entries)
            {
                return _trimmed + 1;
            }
        }
    }

    public void Append(params RowChange[] rows)
    {
        lock (_entries)
        {
            _entries.Add(new ChangeEntry(LastIndex + 1, 1_000, rows));
            foreach (var row in rows)
            {
                var key = Convert.ToHexString(row.Key);
                if (row.Value is null)
                {
                    _rows.Remove(key);
                }
                else
                {
                    _rows[key] = row;
                }
            }
        }
    }

    public IReadOnlyList<ChangeEntry> Read(long fromIndex, int maxEntries)
    {
        lock (_entries)
        {
            return [.. _entries.Where(e => e.Index >= fromIndex).Take(maxEntries)];
        }
    }

    public void Trim(long throughIndex)
    {
        lock (_entries)
        {
            _entries.RemoveAll(e => e.Index <= throughIndex);
            _trimmed = Math.Max(_trimmed, throughIndex);
        }
    }

    public IReplicaSnapshot OpenSnapshot()
    {
        lock (_entries)
        {
            return new Snapshot(LastIndex, [.. _rows.Values]);
        }
    }

    private sealed class Snapshot(long index, IReadOnlyList<RowChange> rows) : IReplicaSnapshot
    {
        public long ChangeIndex => index;

        public IEnumerable<RowChange> Rows() => rows;

        public void Dispose()
        {
        }
    }
}
