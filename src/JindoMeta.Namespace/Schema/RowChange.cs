using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Schema;

/// <summary>One row written or deleted in a table of <see cref="NamespaceSchema"/>: what is committed and replicated.</summary>
/// <param name="Table">One of <see cref="NamespaceSchema.Tables"/>.</param>
/// <param name="Key">The row key.</param>
/// <param name="Value">The new value, or null for a deletion.</param>
public sealed record RowChange(string Table, byte[] Key, byte[]? Value)
{
    /// <summary>
    /// The rows a command's effects amount to, one per key (the last change to a key wins), in the order each
    /// key was first touched.
    /// </summary>
    public static IReadOnlyList<RowChange> FromEffects(IReadOnlyList<StateEffect> effects)
    {
        var rows = new List<RowChange>(effects.Count);
        var positions = new Dictionary<(long, string), int>();
        var nextInodeRow = -1;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case PutEntry put:
                    Upsert(rows, positions, (put.ParentId, put.Name),
                        new RowChange(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(put.ParentId, put.Name), InodeRecordCodec.Encode(put.Record)));
                    break;
                case DeleteEntry delete:
                    Upsert(rows, positions, (delete.ParentId, delete.Name),
                        new RowChange(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(delete.ParentId, delete.Name), null));
                    break;
                case SetNextInodeId next:
                    var row = new RowChange(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.NextInodeId, NamespaceSchema.Int64Value(next.Value));
                    if (nextInodeRow < 0)
                    {
                        nextInodeRow = rows.Count;
                        rows.Add(row);
                    }
                    else
                    {
                        rows[nextInodeRow] = row;
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown effect {effect.GetType().Name}", nameof(effects));
            }
        }

        return rows;
    }

    private static void Upsert(List<RowChange> rows, Dictionary<(long, string), int> positions, (long, string) key, RowChange row)
    {
        if (positions.TryGetValue(key, out var at))
        {
            rows[at] = row;
        }
        else
        {
            positions[key] = rows.Count;
            rows.Add(row);
        }
    }
}
