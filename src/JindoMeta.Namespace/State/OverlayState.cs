using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;

namespace JindoMeta.Namespace.State;

/// <summary>
/// A base state plus changes not yet committed to it, recorded in order as <see cref="StateEffect"/>s.
/// The engine runs each command on one (so a failed command leaves nothing behind), and a group-commit
/// writer keeps one per batch (so later commands of the batch see earlier ones before the batch is durable).
/// </summary>
/// <remarks>Not thread-safe: owned by one writer.</remarks>
public sealed class OverlayState(INamespaceState baseState) : INamespaceState
{
    // Per parent directory, the changed names in key order; a null record is a deletion.
    private readonly Dictionary<long, SortedDictionary<string, InodeRecord?>> _changes = [];
    private readonly List<StateEffect> _effects = [];
    private long? _nextInodeId;

    public INamespaceState Base { get; private set; } = baseState;

    /// <summary>Every change since creation or the last <see cref="Clear"/>, in the order made.</summary>
    public IReadOnlyList<StateEffect> Effects => _effects;

    public long NextInodeId => _nextInodeId ?? Base.NextInodeId;

    public InodeRecord? Get(long parentId, string name) =>
        _changes.TryGetValue(parentId, out var names) && names.TryGetValue(name, out var record)
            ? record
            : Base.Get(parentId, name);

    public IEnumerable<KeyValuePair<string, InodeRecord>> ListChildren(long parentId, string? startAfter)
    {
        if (!_changes.TryGetValue(parentId, out var names))
        {
            return Base.ListChildren(parentId, startAfter);
        }

        return Merge(Base.ListChildren(parentId, startAfter), names, startAfter);
    }

    public void Put(long parentId, string name, InodeRecord record)
    {
        Changes(parentId)[name] = record;
        _effects.Add(new PutEntry(parentId, name, record));
    }

    public void Delete(long parentId, string name)
    {
        Changes(parentId)[name] = null;
        _effects.Add(new DeleteEntry(parentId, name));
    }

    /// <summary>Takes the next inode id and advances the counter.</summary>
    public long AllocateInodeId()
    {
        var id = NextInodeId;
        _nextInodeId = id + 1;
        _effects.Add(new SetNextInodeId(id + 1));
        return id;
    }

    /// <summary>Replays effects recorded elsewhere (a committed command's) onto this overlay.</summary>
    public void Apply(IReadOnlyList<StateEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case PutEntry put:
                    Put(put.ParentId, put.Name, put.Record);
                    break;
                case DeleteEntry delete:
                    Delete(delete.ParentId, delete.Name);
                    break;
                case SetNextInodeId next:
                    _nextInodeId = next.Value;
                    _effects.Add(next);
                    break;
                default:
                    throw new ArgumentException($"Unknown effect {effect.GetType().Name}", nameof(effects));
            }
        }
    }

    /// <summary>
    /// Reads through <paramref name="newBase"/> from now on. A pipelined writer uses it once the group this
    /// overlay was stacked on is durable: the new base must show the same data the old one did.
    /// </summary>
    public void Rebase(INamespaceState newBase) => Base = newBase;

    /// <summary>Forgets every change (after they were committed to the base, or abandoned).</summary>
    public void Clear()
    {
        _changes.Clear();
        _effects.Clear();
        _nextInodeId = null;
    }

    private SortedDictionary<string, InodeRecord?> Changes(long parentId)
    {
        if (!_changes.TryGetValue(parentId, out var names))
        {
            names = new SortedDictionary<string, InodeRecord?>(Utf8NameComparer.Instance);
            _changes[parentId] = names;
        }

        return names;
    }

    private static IEnumerable<KeyValuePair<string, InodeRecord>> Merge(
        IEnumerable<KeyValuePair<string, InodeRecord>> stored,
        SortedDictionary<string, InodeRecord?> changed,
        string? startAfter)
    {
        var comparer = Utf8NameComparer.Instance;
        using var changes = changed
            .Where(c => startAfter is null || comparer.Compare(c.Key, startAfter) > 0)
            .GetEnumerator();
        var hasChange = changes.MoveNext();
        foreach (var entry in stored)
        {
            while (hasChange && comparer.Compare(changes.Current.Key, entry.Key) < 0)
            {
                if (changes.Current.Value is { } added)
                {
                    yield return new(changes.Current.Key, added);
                }

                hasChange = changes.MoveNext();
            }

            if (hasChange && comparer.Compare(changes.Current.Key, entry.Key) == 0)
            {
                if (changes.Current.Value is { } replaced)
                {
                    yield return new(entry.Key, replaced);
                }

                hasChange = changes.MoveNext();
                continue;
            }

            yield return entry;
        }

        while (hasChange)
        {
            if (changes.Current.Value is { } added)
            {
                yield return new(changes.Current.Key, added);
            }

            hasChange = changes.MoveNext();
        }
    }
}
