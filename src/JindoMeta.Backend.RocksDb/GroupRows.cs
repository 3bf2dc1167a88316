using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The rows of one group commit, one per key (the last write wins). Commands of a group often touch the same
/// rows (the next-inode-id counter every time, a shared parent's modification time), and each duplicate would
/// cost a memtable insert; this writes each key once.
/// </summary>
internal sealed class GroupRows
{
    private readonly Dictionary<(string Table, byte[] Key), int> _positions = new(KeyComparer.Instance);
    private readonly List<RowChange> _rows = [];

    public int Count => _rows.Count;

    public void Add(RowChange row)
    {
        if (_positions.TryGetValue((row.Table, row.Key), out var at))
        {
            _rows[at] = row;
        }
        else
        {
            _positions[(row.Table, row.Key)] = _rows.Count;
            _rows.Add(row);
        }
    }

    public void StageInto(NamespaceStore store, WriteBatch batch)
    {
        foreach (var row in _rows)
        {
            store.Stage(batch, row);
        }
    }

    public void Clear()
    {
        _positions.Clear();
        _rows.Clear();
    }

    private sealed class KeyComparer : IEqualityComparer<(string Table, byte[] Key)>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals((string Table, byte[] Key) x, (string Table, byte[] Key) y) =>
            x.Table == y.Table && x.Key.AsSpan().SequenceEqual(y.Key);

        public int GetHashCode((string Table, byte[] Key) obj)
        {
            var hash = new HashCode();
            hash.Add(obj.Table);
            hash.AddBytes(obj.Key);
            return hash.ToHashCode();
        }
    }
}
