using JindoMeta.TableStore;

namespace JindoMeta.Replication;

/// <summary>
/// Deleted rows are written as tombstones (<see cref="ReplicaTable.ToWrite"/>), so a late put cannot bring them back;
/// this deletes them for good once their run is committed and <see cref="AsyncUploaderOptions.TombstoneGrace"/> has
/// passed, each only if the row is still that tombstone (a later put of the name keeps its row).
/// </summary>
/// <remarks>
/// The queue lives in memory: tombstones of runs committed shortly before a restart stay in the table. They cost a row
/// each and are skipped by recovery and verification, like every tombstone; a later put or delete of the name
/// replaces them.
/// </remarks>
internal sealed class TombstoneCollector(TableStoreClient client, string table, TimeSpan grace, TimeProvider clock)
{
    /// <summary>Above this many waiting tombstones the oldest are left in the table rather than kept in memory.</summary>
    private const int Capacity = 1_000_000;

    private readonly Queue<(PrimaryKey Key, long Index, long CommittedAt)> _waiting = new();

    /// <summary>The tombstones a committed run wrote start their grace period.</summary>
    public void Committed(UploadRun run)
    {
        var now = clock.GetTimestamp();
        foreach (var row in run.Batches.SelectMany(b => b).Where(r => r.Row.Value is null))
        {
            if (_waiting.Count == Capacity)
            {
                _waiting.Dequeue();
            }

            _waiting.Enqueue((ReplicaTable.Key(row.Row), row.Index, now));
        }
    }

    /// <summary>Deletes the tombstones whose grace has passed, a batch at a time; a failed batch waits for the next call.</summary>
    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        while (_waiting.TryPeek(out var oldest) && clock.GetElapsedTime(oldest.CommittedAt) >= grace)
        {
            var batch = new List<(PrimaryKey Key, long Index, long CommittedAt)>(UploadRun.MaxRowsPerBatch);
            while (batch.Count < UploadRun.MaxRowsPerBatch && _waiting.TryPeek(out var next) && clock.GetElapsedTime(next.CommittedAt) >= grace)
            {
                batch.Add(_waiting.Dequeue());
            }

            var deletes = batch.Select(t => (RowChange)new RowDeleteChange(table, t.Key)
            {
                // Each index names one write, so "still at that index" means "still that tombstone".
                Condition = new RowCondition(RowExistence.Ignore,
                    new SingleColumnCondition(ReplicaTable.IndexColumn, ComparisonOperator.Equal, t.Index, PassIfMissing: false)),
            }).ToList();
            try
            {
                // A failed condition: the name was written again since; its row stays.
                await client.BatchWriteRowAsync(deletes, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TableStoreFailures.IsRetried(e))
            {
                foreach (var tombstone in batch)
                {
                    _waiting.Enqueue(tombstone);
                }

                return;
            }
        }
    }
}
