using System.Diagnostics;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Ots;

internal sealed partial class ActiveSession
{
    private const int MaxRowsPerBatch = 200;
    private const int MaxBytesPerBatch = 3 * 1024 * 1024;
    private const int ParallelBatches = 4;
    private const int MaxRowsPerRound = 20_000;

    /// <summary>
    /// Writes committed entries to their rows, in rounds: the rows of every entry waiting (the last change to a row
    /// wins), in batches sent in parallel, each row conditioned on its stored index being no newer
    /// (<see cref="ReplicaTable.ToWrite"/>), so rounds may overlap a deposed active's late writes or a replay without
    /// harm. A round starts only while the lease is held: a server paused past its lease sends nothing more.
    /// </summary>
    private async Task RunApplierAsync()
    {
        var reader = _toApply.Reader;
        var round = new List<CommittedEntry>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var rows = 0;
                while (rows < MaxRowsPerRound && reader.TryRead(out var entry))
                {
                    round.Add(entry);
                    rows += entry.Rows.Count;
                }

                await ApplyAsync(round).ConfigureAwait(false);
                round.Clear();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(List<CommittedEntry> round)
    {
        var latest = new Dictionary<PrimaryKey, (Namespace.Schema.RowChange Row, long Seq)>();
        foreach (var entry in round)
        {
            foreach (var row in entry.Rows)
            {
                latest[ReplicaTable.Key(row)] = (row, entry.Seq);
            }
        }

        var batches = new List<List<TableStore.RowChange>>();
        var batch = new List<TableStore.RowChange>();
        var bytes = 0;
        foreach (var (row, seq) in latest.Values)
        {
            var size = ReplicaTable.EstimatedBytes(row);
            if (batch.Count == MaxRowsPerBatch || (batch.Count > 0 && bytes + size > MaxBytesPerBatch))
            {
                batches.Add(batch);
                batch = [];
                bytes = 0;
            }

            batch.Add(ReplicaTable.ToWrite(_table, row, seq));
            bytes += size;
        }

        if (batch.Count > 0)
        {
            batches.Add(batch);
        }

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches, CancellationToken = _stop.Token },
            async (writes, token) => await WriteBatchAsync(writes, token).ConfigureAwait(false)).ConfigureAwait(false);

        _cache.Applied(latest.Values.Where(v => v.Row.Table == NamespaceSchema.DentriesTable).Select(v =>
        {
            var (parent, name) = NamespaceSchema.ParseDentryKey(v.Row.Key);
            return (parent, name, v.Seq);
        }));
        Volatile.Write(ref _appliedThrough, round[^1].Seq);
        _appliedSignal.Set();
        // Not deleted yet: until the lease row's applied mark covers them, a next active replays these entries from
        // their pieces (the writer deletes them once it has written that mark, DeletePiecesOfAppliedEntries).
        foreach (var entry in round.Where(e => e.Pieces > 0))
        {
            _appliedWithPieces.Enqueue(entry with { Rows = [] }); // only its pieces are needed now
        }
    }

    private async Task WriteBatchAsync(List<TableStore.RowChange> writes, CancellationToken cancellationToken)
    {
        for (var failures = 0; writes.Count > 0; failures++)
        {
            await WaitForLeaseAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var results = await _client.BatchWriteRowAsync(writes, cancellationToken: cancellationToken).ConfigureAwait(false);
                // A failed condition means the row already holds this or a newer image: done. Other row errors are retried.
                writes = results.Where(r => !r.IsOk && r.ErrorCode != TableStoreErrorCodes.ConditionCheckFail).Select(r => writes[r.Index]).ToList();
                if (writes.Count == 0)
                {
                    return;
                }

                _logger.LogDebug("Namespace {Namespace}: {Rows} rows of a write batch failed, retrying", _options.NamespaceName, writes.Count);
            }
            catch (Exception e) when (IsTableFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug("Namespace {Namespace}: writing committed rows failed, retrying: {Error}", _options.NamespaceName, OneLine(e));
            }

            await Task.Delay(Backoff(failures), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits while the lease is not known to be held (a renewal is due or failing); ends when the term ends.</summary>
    private async Task WaitForLeaseAsync(CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() >= Volatile.Read(ref _validUntil))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeletePiecesAsync(CommittedEntry entry)
    {
        try
        {
            var deletes = Enumerable.Range(0, entry.Pieces)
                .Select(i => (TableStore.RowChange)new RowDeleteChange(_table, OtsTable.PieceKey(entry.PieceEpoch, entry.Seq, i)))
                .ToList();
            foreach (var chunk in deletes.Chunk(MaxRowsPerBatch))
            {
                await _client.BatchWriteRowAsync(chunk, cancellationToken: _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsTableFailure(e) || e is OperationCanceledException)
        {
            _logger.LogDebug("Namespace {Namespace}: pieces of entry {Seq} stay in the table: {Error}", _options.NamespaceName, entry.Seq, OneLine(e));
        }
    }
}
