using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.Replication;
using JindoMeta.TableStore;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// The namespace as the active sees it: the <see cref="RowCache"/> (committed changes included) over the table.
/// The engine's reads are synchronous, so a miss waits for its Tablestore call on the caller's thread (the writer's
/// own thread for commands); listings page through the table, 1000 rows a call, merged with committed rows not yet
/// written, so a huge directory is never read at once.
/// </summary>
internal sealed class TableNamespaceState(TableStoreClient client, string table, RowCache cache, Func<long> nextInodeId) : INamespaceState
{
    private const int PageRows = 1000;

    public long NextInodeId => nextInodeId();

    public InodeRecord? Get(long parentId, string name)
    {
        if (cache.TryGet(parentId, name, out var cached))
        {
            return cached;
        }

        var mark = cache.Mark();
        var row = client.GetRowAsync(table, ReplicaTable.Key(parentId, name)).GetAwaiter().GetResult().Row;
        var (record, index) = Decode(row);
        return cache.Fetched(parentId, name, record, index, mark);
    }

    public IEnumerable<KeyValuePair<string, InodeRecord>> ListChildren(long parentId, string? startAfter)
    {
        if (cache.TryListWhole(parentId, startAfter, out var whole))
        {
            return whole;
        }

        return ListFromTable(parentId, startAfter);
    }

    private IEnumerable<KeyValuePair<string, InodeRecord>> ListFromTable(long parentId, string? startAfter)
    {
        var mark = cache.Mark();
        var dirty = cache.DirtyChildren(parentId, startAfter);
        var stored = StoredChildren(parentId, startAfter, mark);
        var comparer = Utf8NameComparer.Instance;
        var next = 0;
        foreach (var (name, record) in stored)
        {
            for (; next < dirty.Count && comparer.Compare(dirty[next].Key, name) < 0; next++)
            {
                if (dirty[next].Value is { } added)
                {
                    yield return new(dirty[next].Key, added);
                }
            }

            if (next < dirty.Count && comparer.Compare(dirty[next].Key, name) == 0)
            {
                if (dirty[next].Value is { } replaced)
                {
                    yield return new(name, replaced);
                }

                next++;
                continue;
            }

            if (record is not null)
            {
                yield return new(name, record);
            }
        }

        for (; next < dirty.Count; next++)
        {
            if (dirty[next].Value is { } added)
            {
                yield return new(dirty[next].Key, added);
            }
        }
    }

    /// <summary>The table's rows of the directory in name order (tombstones as null), a page at a time.</summary>
    private IEnumerable<(string Name, InodeRecord? Record)> StoredChildren(long parentId, string? startAfter, RowCache.FetchMark mark)
    {
        var start = startAfter is null ? ReplicaTable.FirstKey(parentId) : ReplicaTable.Key(parentId, startAfter);
        var end = ReplicaTable.FirstKey(parentId + 1);
        var first = true;
        while (start is not null)
        {
            var page = client.GetRangePageAsync(new RangeQuery(table, start, end) { Limit = PageRows }).GetAwaiter().GetResult();
            var rows = new List<(string, InodeRecord?, long)>(page.Rows.Count);
            foreach (var row in page.Rows)
            {
                var name = row.PrimaryKey[1].Value.AsString();
                var (record, index) = Decode(row);
                rows.Add((name, record, index));
            }

            if (first && startAfter is null && page.NextStart is null)
            {
                cache.FetchedWhole(parentId, rows, mark);
            }

            first = false;
            foreach (var (name, record, _) in rows)
            {
                if (startAfter is null || name != startAfter)
                {
                    yield return (name, record);
                }
            }

            start = page.NextStart;
        }
    }

    /// <summary>
    /// Reads, in one call per 100 keys, the first uncached component of each path whose parents are cached: a group
    /// of creates in known directories would otherwise wait for one lookup of each new name after the other.
    /// </summary>
    public void Prefetch(IEnumerable<string> paths)
    {
        var missing = new HashSet<(long Parent, string Name)>();
        foreach (var path in paths)
        {
            var components = PathRules.Parse(path);
            if (!components.IsOk)
            {
                continue;
            }

            var parent = NamespaceSchema.RootInodeId;
            foreach (var name in components.Value)
            {
                if (!cache.TryPeek(parent, name, out var record))
                {
                    missing.Add((parent, name));
                    break;
                }

                if (record is not { IsDirectory: true })
                {
                    break;
                }

                parent = record.Id;
            }
        }

        foreach (var chunk in missing.Chunk(ReplicaTable.MaxRowsPerBatchGet))
        {
            var mark = cache.Mark();
            var results = client.BatchGetRowAsync([new BatchGetTable(table, [.. chunk.Select(k => ReplicaTable.Key(k.Parent, k.Name))])]).GetAwaiter().GetResult();
            foreach (var result in results.Where(r => r.IsOk))
            {
                var (parent, name) = chunk[result.Index];
                var (record, index) = Decode(result.Row);
                cache.Fetched(parent, name, record, index, mark);
            }
        }
    }

    /// <summary>A stored row as (record, index): null record for no row or a tombstone.</summary>
    /// <exception cref="InvalidDataException">The row is not one JindoMeta writes.</exception>
    public static (InodeRecord? Record, long Index) Decode(Row? row)
    {
        if (row is null)
        {
            return (null, 0);
        }

        var image = ReplicaTable.ImageAt(row, long.MaxValue);
        return (image.Value is null ? null : InodeRecordCodec.Decode(image.Value), image.Index);
    }
}
