using JindoMeta.Namespace.Backend;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Replication;

/// <summary>
/// Streams one namespace's committed change feed to its Tablestore replica table (README.md in this project).
/// </summary>
/// <remarks>
/// One background loop: claim or resume the table's checkpoint; on a new table, write a snapshot of the local rows at
/// a feed index first; then repeatedly read the committed entries after the checkpoint, coalesce them into an
/// <see cref="UploadRun"/>, write its batches, advance the checkpoint with a conditional update, and trim the feed
/// behind it. Every Tablestore failure is retried with doubling backoff and the same run is written again (writes are
/// idempotent), so faults slow the upload down but never lose, reorder or duplicate a change. The one failure not
/// retried is a <see cref="ReplicaConflictException"/>: another cluster writes the table, and the uploader stops.
/// Status is safe to read from any thread.
/// </remarks>
public sealed class AsyncUploader : IAsyncDisposable
{
    private readonly IReplicaSource _source;
    private readonly TableStoreClient _client;
    private readonly AsyncUploaderOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly ReplicaCheckpoint _checkpointRow;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private CheckpointState? _checkpoint;
    private volatile string _state = "STARTING";
    private volatile string? _lastError;
    private long _lastTrim;
    private readonly TombstoneCollector _tombstones;
    private Hold? _hold;
    private long _snapshotRowsWritten;
    private long _snapshotRowsEstimated;

    public AsyncUploader(IReplicaSource source, TableStoreClient client, AsyncUploaderOptions options, ILogger logger, TimeProvider? clock = null)
    {
        _source = source;
        _client = client;
        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _checkpointRow = new ReplicaCheckpoint(client, options.TableName, options.Namespace, source.StoreId, _clock);
        _tombstones = new TombstoneCollector(client, options.TableName, options.TombstoneGrace, _clock);
    }

    public string Table => _options.TableName;

    /// <summary>Starts the background loop (returns at once).</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public UploadStatus GetStatus()
    {
        var feed = _source.ChangeFeed;
        var last = feed.LastIndex;
        var checkpoint = Volatile.Read(ref _checkpoint)?.Index ?? 0;
        var lagSeconds = 0.0;
        if (last > checkpoint)
        {
            try
            {
                var oldest = feed.Read(Math.Max(checkpoint + 1, feed.FirstIndex), 1);
                lagSeconds = oldest.Count == 0 ? 0 : Math.Max(0, (_clock.GetUtcNow().ToUnixTimeMilliseconds() - oldest[0].TimestampMs) / 1000.0);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Trimmed between the two reads: the next status call sees the new first index.
            }
        }

        return new UploadStatus(Table, _state, checkpoint, last, lagSeconds, _lastError)
        {
            SnapshotRows = Volatile.Read(ref _snapshotRowsWritten),
            SnapshotRowsEstimated = Volatile.Read(ref _snapshotRowsEstimated),
        };
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var progressed = _checkpoint is { SnapshotDone: true } ? await UploadNextRunAsync(cancellationToken).ConfigureAwait(false)
                    : await StartAsync(cancellationToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    UploaderLog.Recovered(_logger, _options.Namespace, failures);
                    failures = 0;
                }

                if (!progressed)
                {
                    TrimWhileIdle();
                    await _tombstones.CollectAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(_options.PollInterval, _clock, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ReplicaConflictException or InvalidDataException)
            {
                _lastError = Mask(e.Message);
                _state = "STOPPED";
                UploaderLog.Stopped(_logger, _options.Namespace, _lastError);
                return;
            }
            catch (Exception e) when (TableStoreFailures.IsRetried(e))
            {
                failures++;
                var backoff = TableStoreFailures.Backoff(failures, _options.MinBackoff, _options.MaxBackoff);
                _lastError = Mask(e.Message);
                UploaderLog.Retrying(_logger, _options.Namespace, _lastError, (long)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, _clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Creates the table if needed, then claims it or resumes from its checkpoint; writes the snapshot of a new replica.</summary>
    private async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        _state = "STARTING";
        try
        {
            await _client.CreateTableAsync(ReplicaTable.Schema(Table), cancellationToken).ConfigureAwait(false);
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ObjectAlreadyExist)
        {
            // Ours from an earlier run, or another cluster's: the checkpoint row says which.
        }

        var stored = await _checkpointRow.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.StoreId != _source.StoreId)
        {
            stored = await TakeOverRecoveredAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        if (stored is { SnapshotDone: true })
        {
            CheckFeedReaches(stored.Index);
            Volatile.Write(ref _checkpoint, stored);
            UploaderLog.Resuming(_logger, _options.Namespace, Table, stored.Index + 1);
            _state = "RUNNING";
            return true;
        }

        // A new replica, or one whose snapshot a crash interrupted. A retried snapshot is taken now (at an index at or
        // above the claimed one) and the feed is then replayed from the claimed index: rows the first attempt wrote
        // and later changes deleted are deleted by that replay, and rows newer in the snapshot keep their newer index.
        using var snapshot = _source.OpenSnapshot();
        var claimed = stored?.Index ?? snapshot.ChangeIndex;
        await WaitForFeedAsync(claimed, cancellationToken).ConfigureAwait(false);
        CheckFeedReaches(claimed);
        if (stored is null)
        {
            await _checkpointRow.ClaimAsync(claimed, cancellationToken).ConfigureAwait(false);
        }

        _state = "SNAPSHOT";
        UploaderLog.WritingSnapshot(_logger, _options.Namespace, snapshot.ChangeIndex, Table);
        // Streamed: a few rounds of parallel batches at a time, so a namespace of millions of rows is never in memory.
        Volatile.Write(ref _snapshotRowsEstimated, _source.EstimatedRows);
        Volatile.Write(ref _snapshotRowsWritten, 0);
        long rowsWritten = 0;
        foreach (var chunk in snapshot.Rows().Chunk(UploadRun.MaxRowsPerBatch * _options.ParallelBatches * 4))
        {
            await WriteBatchesAsync(UploadRun.Split(chunk.Select(row => new CoalescedRow(row, snapshot.ChangeIndex))), priors: null, cancellationToken).ConfigureAwait(false);
            rowsWritten += chunk.Length;
            Volatile.Write(ref _snapshotRowsWritten, rowsWritten);
        }

        var pending = new CheckpointState(claimed, _source.StoreId, SnapshotDone: false);
        var done = pending with { SnapshotDone = true, ConsistentFrom = snapshot.ChangeIndex };
        await _checkpointRow.AdvanceAsync(pending, done, 0, _source.EstimatedRows, cancellationToken).ConfigureAwait(false);
        UploaderLog.SnapshotWritten(_logger, _options.Namespace, rowsWritten, snapshot.ChangeIndex);
        Volatile.Write(ref _checkpoint, done);
        UploaderLog.Resuming(_logger, _options.Namespace, Table, claimed + 1);
        _state = "RUNNING";
        return true;
    }

    /// <summary>
    /// The table names another store: refused, unless this store was recovered from exactly that replica and the table
    /// has not moved since (the seed's step 6, upload turned on after a recovery), when it is taken over.
    /// </summary>
    private async Task<CheckpointState> TakeOverRecoveredAsync(CheckpointState stored, CancellationToken cancellationToken)
    {
        if (_source.RecoveredFrom is not { } origin || origin.StoreId != stored.StoreId || !stored.SnapshotDone)
        {
            throw new ReplicaConflictException(_checkpointRow.Describe(stored));
        }

        if (origin.ChangeIndex != stored.Index)
        {
            throw new ReplicaConflictException(
                $"Table {Table} moved from feed index {origin.ChangeIndex}, where this store was recovered from it, to {stored.Index} " +
                $"(store {stored.StoreId} still writes it): upload stopped, nothing merged; stop the old cluster and recover again");
        }

        var ours = await _checkpointRow.TakeOverAsync(stored, _source.EstimatedRows, cancellationToken).ConfigureAwait(false);
        UploaderLog.TookOver(_logger, _options.Namespace, Table, stored.StoreId, stored.Index);
        return ours;
    }

    /// <summary>Uploads the next run of committed entries, if any; false when there was nothing to do.</summary>
    private async Task<bool> UploadNextRunAsync(CancellationToken cancellationToken)
    {
        var checkpoint = _checkpoint!;
        var feed = _source.ChangeFeed;
        var hold = Volatile.Read(ref _hold);
        var upTo = Math.Min(feed.LastIndex, hold is null ? long.MaxValue : Math.Max(hold.Limit, checkpoint.Index));
        if (upTo <= checkpoint.Index)
        {
            hold?.Reached.TrySetResult(checkpoint.Index);
            return false;
        }

        var entries = feed.Read(checkpoint.Index + 1, (int)Math.Min(_options.MaxEntriesPerRun, upTo - checkpoint.Index));
        if (entries.Count == 0)
        {
            return false;
        }

        var run = UploadRun.From(entries);
        var priors = await ReadPriorImagesAsync(run, checkpoint.Index, cancellationToken).ConfigureAwait(false);
        await WriteBatchesAsync(run.Batches, priors, cancellationToken).ConfigureAwait(false);
        var next = checkpoint with { Index = run.LastIndex };
        await _checkpointRow.AdvanceAsync(checkpoint, next, run.LastTimestampMs, _source.EstimatedRows, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpoint, next);
        _tombstones.Committed(run);
        TrimBehind(next.Index);
        return true;
    }

    /// <summary>
    /// Each row's image at the checkpoint the run starts from, read from the table before the run writes: the run's rows
    /// carry it (so recovery can read the table at the checkpoint even if this run never completes), and a row that an
    /// earlier, torn attempt wrote past the checkpoint is replaced by this run rather than kept as "newer".
    /// </summary>
    private async Task<Dictionary<TableStore.PrimaryKey, Prior>> ReadPriorImagesAsync(UploadRun run, long checkpoint, CancellationToken cancellationToken)
    {
        var keys = run.Batches.SelectMany(b => b).Select(r => ReplicaTable.Key(r.Row)).ToList();
        var priors = new Dictionary<TableStore.PrimaryKey, Prior>(keys.Count);
        var groups = keys.Chunk(ReplicaTable.MaxRowsPerBatchGet).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelBatches, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                var results = await _client.BatchGetRowAsync([new BatchGetTable(Table, group) { Options = new ReadOptions { ColumnsToGet = PriorColumns } }], token)
                    .ConfigureAwait(false);
                if (results.FirstOrDefault(r => !r.IsOk) is { } failed)
                {
                    throw new TableStoreException("BatchGetRow", failed.ErrorCode ?? "unknown", $"reading the rows a run replaces failed: {failed.ErrorMessage}", null, 200);
                }

                lock (priors)
                {
                    for (var i = 0; i < group.Length; i++)
                    {
                        priors[group[i]] = results[i].Row is { } row
                            ? new Prior(ReplicaTable.ImageAt(row, checkpoint), row.GetColumn(ReplicaTable.IndexColumn)!.Value.Value.AsInteger())
                            : new Prior(new ReplicaImage(null, checkpoint, Torn: false), null);
                    }
                }
            }).ConfigureAwait(false);
        return priors;
    }

    private static readonly IReadOnlyList<string> PriorColumns =
        [ReplicaTable.IndexColumn, ReplicaTable.ValueColumn, ReplicaTable.PreviousIndexColumn, ReplicaTable.PreviousValueColumn];

    /// <summary>A row's image at the run's checkpoint, and the index of the row stored now (null: none).</summary>
    private sealed record Prior(ReplicaImage Image, long? StoredIndex)
    {
        /// <summary>The stored row is a torn run's: the write replaces exactly it.</summary>
        public long? Replacing => Image.Torn ? StoredIndex : null;
    }

    /// <summary>Writes every batch, up to <see cref="AsyncUploaderOptions.ParallelBatches"/> at once; rows that fail are written again.</summary>
    private async Task WriteBatchesAsync(IReadOnlyList<IReadOnlyList<CoalescedRow>> batches, Dictionary<TableStore.PrimaryKey, Prior>? priors, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelBatches, CancellationToken = cancellationToken },
            async (batch, token) => await WriteBatchAsync(batch, priors, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <param name="priors">A run's rows' images at its checkpoint (<see cref="ReadPriorImagesAsync"/>); null for a snapshot's rows.</param>
    private async Task WriteBatchAsync(IReadOnlyList<CoalescedRow> batch, Dictionary<TableStore.PrimaryKey, Prior>? priors, CancellationToken cancellationToken)
    {
        var writes = batch.Select(r => priors?[ReplicaTable.Key(r.Row)] is { } prior
            ? ReplicaTable.ToWrite(Table, r.Row, r.Index, prior.Image, prior.Replacing)
            : ReplicaTable.ToWrite(Table, r.Row, r.Index)).ToList();
        var results = await _client.BatchWriteRowAsync(writes, cancellationToken: cancellationToken).ConfigureAwait(false);
        // A failed "no newer row" condition means a later run wrote the row already: nothing to do for it. A failed
        // replacement means the torn row changed since it was read (a late request of the torn attempt): the run is
        // written again, from a new read.
        var failed = results.Where((r, i) => !r.IsOk && (r.ErrorCode != TableStoreErrorCodes.ConditionCheckFail ||
            (priors is not null && priors[ReplicaTable.Key(batch[i].Row)].Replacing is not null))).ToList();
        if (failed.Count > 0)
        {
            var first = failed[0];
            throw new TableStoreException("BatchWriteRow", first.ErrorCode ?? "unknown", $"{failed.Count} of {writes.Count} rows failed: {first.ErrorMessage}", null, 200);
        }
    }

    /// <summary>
    /// A snapshot may hold the rows of an entry whose commit is being acknowledged right now (the batch is in the store;
    /// the writer publishes its index just after): wait briefly for that rather than call the table ahead of the store.
    /// Real time, not the uploader's clock: this is the writer's next few instructions, not a policy.
    /// </summary>
    private async Task WaitForFeedAsync(long index, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 1000 && _source.ChangeFeed.LastIndex < index; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Refuses to resume when entries after the checkpoint are gone: uploading from later would skip changes.</summary>
    private void CheckFeedReaches(long checkpoint)
    {
        var feed = _source.ChangeFeed;
        if (feed.FirstIndex > checkpoint + 1)
        {
            throw new InvalidDataException(
                $"Table {Table} stands at feed index {checkpoint} but the local change feed starts at {feed.FirstIndex}: entries in between are gone, upload stopped");
        }

        if (checkpoint > feed.LastIndex)
        {
            throw new InvalidDataException(
                $"Table {Table} stands at feed index {checkpoint}, beyond this store's last entry {feed.LastIndex}: the table is ahead of the local store, upload stopped");
        }
    }

    /// <summary>The last run's trim may have been throttled (or its raft proposal lost): trim once the upload is idle too.</summary>
    private void TrimWhileIdle()
    {
        if (_checkpoint is { SnapshotDone: true } checkpoint && _source.ChangeFeed.FirstIndex <= checkpoint.Index)
        {
            TrimBehind(checkpoint.Index);
        }
    }

    private void TrimBehind(long checkpoint)
    {
        var feed = _source.ChangeFeed;
        var now = _clock.GetTimestamp();
        if (checkpoint - feed.FirstIndex + 1 >= _options.TrimEveryEntries || _clock.GetElapsedTime(_lastTrim, now) >= TimeSpan.FromSeconds(1))
        {
            feed.Trim(checkpoint);
            _lastTrim = now;
        }
    }

    private string Mask(string message) => TableStoreFailures.Mask(message, _options.Secrets);

    /// <summary>
    /// `jindo jfs -verifyReplica`: holds the upload still (after the run in flight), takes a local snapshot, uploads
    /// exactly through its index and holds again, so the table and the snapshot stand at one index; compares them
    /// (<see cref="ReplicaVerifier"/>), then lets the upload go on. Writes carry on locally meanwhile.
    /// </summary>
    /// <exception cref="InvalidOperationException">The uploader is not running (starting, writing its snapshot, stopped), or did not hold within the timeout.</exception>
    public async Task<ReplicaComparison> VerifyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_state != "RUNNING")
        {
            throw new InvalidOperationException($"The uploader of table {Table} is {_state}{(_lastError is { } error ? $" ({error})" : "")}: the replica can be verified once it runs");
        }

        try
        {
            await HoldAtAsync(long.MinValue, timeout, cancellationToken).ConfigureAwait(false);
            using var snapshot = _source.OpenSnapshot();
            await HoldAtAsync(snapshot.ChangeIndex, timeout, cancellationToken).ConfigureAwait(false);
            return await ReplicaVerifier.CompareAsync(snapshot, _client, Table, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _hold, null);
        }
    }

    /// <summary>Lets no run go past <paramref name="limit"/> and waits until the checkpoint stands there (or, below it, still).</summary>
    private async Task HoldAtAsync(long limit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var hold = new Hold(limit);
        Volatile.Write(ref _hold, hold);
        try
        {
            await hold.Reached.Task.WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(
                $"The uploader of table {Table} did not reach a still point within {timeout.TotalSeconds:F0} s (state {_state}, last error {_lastError ?? "none"})");
        }
    }

    /// <summary>No upload run goes past <see cref="Limit"/> while set; <see cref="Reached"/> completes once the loop is idle there.</summary>
    private sealed record Hold(long Limit)
    {
        public TaskCompletionSource<long> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Stops the loop; a run in flight is abandoned (the next start replays it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
