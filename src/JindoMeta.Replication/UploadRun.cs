using JindoMeta.Namespace.Schema;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Replication;

/// <summary>One replica row's final image in a run, with the feed index of the last change to it.</summary>
public sealed record CoalescedRow(LocalRow Row, long Index);

/// <summary>
/// A run of consecutive committed feed entries reduced to the final image of each row they touch, split into
/// BatchWriteRow-sized batches.
/// </summary>
/// <remarks>
/// Why coalesce: two changes to one row must reach Tablestore in order, and batches sent in parallel (or retried) have
/// no order. After coalescing every row appears once, so the batches of a run may go in any order and in parallel,
/// and writing the run is idempotent (a replay puts the same final images and deletes rows already gone). The
/// checkpoint moves to the run's last index only once every batch of the run is written; a crash in between replays
/// the run, which converges to the same rows. A run is a prefix of the feed, so the replica at a checkpoint is the
/// local state at that index.
/// </remarks>
public sealed class UploadRun
{
    /// <summary>BatchWriteRow takes at most 200 rows (PROTOCOL.md section 6).</summary>
    public const int MaxRowsPerBatch = 200;

    /// <summary>Below the 4 MB request limit, leaving room for our estimate's error and the protobuf framing.</summary>
    public const int MaxBytesPerBatch = 3 * 1024 * 1024;

    private UploadRun(long firstIndex, long lastIndex, long lastTimestampMs, IReadOnlyList<IReadOnlyList<CoalescedRow>> batches, int rowCount)
    {
        FirstIndex = firstIndex;
        LastIndex = lastIndex;
        LastTimestampMs = lastTimestampMs;
        Batches = batches;
        RowCount = rowCount;
    }

    public long FirstIndex { get; }
    public long LastIndex { get; }

    /// <summary>When the run's last entry was committed (epoch ms).</summary>
    public long LastTimestampMs { get; }

    public IReadOnlyList<IReadOnlyList<CoalescedRow>> Batches { get; }
    public int RowCount { get; }

    /// <param name="entries">Consecutive feed entries, oldest first.</param>
    public static UploadRun From(IReadOnlyList<ChangeEntry> entries)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        var final = new Dictionary<(string Table, string Key), CoalescedRow>();
        var order = new List<(string, string)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (i > 0 && entry.Index != entries[i - 1].Index + 1)
            {
                throw new ArgumentException($"Feed entries are not consecutive: {entries[i - 1].Index} then {entry.Index}", nameof(entries));
            }

            foreach (var row in entry.Rows)
            {
                var key = (row.Table, Convert.ToBase64String(row.Key));
                if (!final.ContainsKey(key))
                {
                    order.Add(key);
                }

                final[key] = new CoalescedRow(row, entry.Index);
            }
        }

        return new UploadRun(entries[0].Index, entries[^1].Index, entries[^1].TimestampMs, Split(order.Select(k => final[k])), order.Count);
    }

    /// <summary>Rows of a snapshot at <paramref name="index"/>, batched the same way.</summary>
    public static IReadOnlyList<IReadOnlyList<CoalescedRow>> Split(IEnumerable<CoalescedRow> rows)
    {
        var batches = new List<IReadOnlyList<CoalescedRow>>();
        var current = new List<CoalescedRow>();
        var bytes = 0;
        foreach (var row in rows)
        {
            var size = ReplicaTable.EstimatedBytes(row.Row);
            if (current.Count > 0 && (current.Count == MaxRowsPerBatch || bytes + size > MaxBytesPerBatch))
            {
                batches.Add(current);
                current = [];
                bytes = 0;
            }

            current.Add(row);
            bytes += size;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
