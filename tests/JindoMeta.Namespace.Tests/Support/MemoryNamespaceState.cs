using System.Text;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Tests.Support;

/// <summary>Namespace state in dictionaries: what a backend would keep in RocksDB, for engine tests without disk.</summary>
public sealed class MemoryNamespaceState : INamespaceState
{
    private static readonly Comparer<string> Utf8Order =
        Comparer<string>.Create((a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

    private readonly Dictionary<long, SortedDictionary<string, InodeRecord>> _directories = [];

    public long NextInodeId { get; private set; }

    public InodeRecord? Get(long parentId, string name) =>
        _directories.TryGetValue(parentId, out var children) && children.TryGetValue(name, out var record) ? record : null;

    public IEnumerable<KeyValuePair<string, InodeRecord>> ListChildren(long parentId, string? startAfter)
    {
        if (!_directories.TryGetValue(parentId, out var children))
        {
            return [];
        }

        // A snapshot: the caller may apply effects to this state while it still holds the enumerator.
        return children.Where(c => startAfter is null || Utf8Order.Compare(c.Key, startAfter) > 0).ToList();
    }

    public void Apply(IEnumerable<StateEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case PutEntry put:
                    if (!_directories.TryGetValue(put.ParentId, out var children))
                    {
                        children = new SortedDictionary<string, InodeRecord>(Utf8Order);
                        _directories[put.ParentId] = children;
                    }

                    children[put.Name] = put.Record;
                    break;
                case DeleteEntry delete:
                    if (_directories.TryGetValue(delete.ParentId, out var siblings))
                    {
                        siblings.Remove(delete.Name);
                    }

                    break;
                case SetNextInodeId next:
                    NextInodeId = next.Value;
                    break;
                default:
                    throw new ArgumentException($"unknown effect {effect.GetType().Name}", nameof(effects));
            }
        }
    }

    /// <summary>Every stored row, as text, for "nothing changed" assertions at the storage level.</summary>
    public string DumpRows()
    {
        var text = new StringBuilder();
        text.Append("next=").Append(NextInodeId).Append('\n');
        foreach (var (parentId, children) in _directories.OrderBy(d => d.Key))
        {
            foreach (var (name, record) in children)
            {
                text.Append(parentId).Append('/').Append(name).Append(" = ").Append(record.Id).Append(' ')
                    .Append(record.Type).Append(' ').Append(Convert.ToString(record.Permission, 8)).Append(' ')
                    .Append(record.Owner).Append(':').Append(record.Group).Append(" m=").Append(record.ModificationTime)
                    .Append(" a=").Append(record.AccessTime).Append(" len=").Append(record.Length)
                    .Append(record.UnderConstruction ? " uc" : "").Append(" blocks=").Append(record.Blocks.Count).Append('\n');
            }
        }

        return text.ToString();
    }
}
