using System.Text;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Replication;

/// <summary>
/// Recovery mode for one namespace: rebuilds an empty local store from its Tablestore replica (README.md in this project).
/// </summary>
/// <remarks>
/// Reads the checkpoint row (the replica is the state at that feed index), loads the replicated meta rows, then reads
/// the dentries with <see cref="ReplicaRecoveryOptions.Readers"/> GetRange calls at once, each over its own range of
/// parent ids; a reader that runs out of ranges splits the widest one still being read at its midpoint, so one dense
/// region does not leave the others idle. Every page is loaded with the plan's new progress in one write, so a crash
/// resumes every range where its last page ended. At the end the checkpoint is read again: if it moved, another
/// cluster still writes the table, and the recovery fails instead of finishing on a mixed state. Then the target is
/// told where its feed continues (<see cref="IRecoveryTarget.FinishRecoveryAsync"/>). Tablestore failures are retried with
/// doubling backoff; the replica being absent, incomplete, changed or undecodable fails the recovery with one line. A
/// target that no longer takes the writes (<see cref="RecoveryWrite.NotLeader"/>: a raft node that lost leadership)
/// stops the recovery here as <see cref="Standby"/>, not failed: the node that leads next resumes it.
/// </remarks>
public sealed class ReplicaRecovery : IAsyncDisposable
{
    /// <summary>The state of a recovery stopped because its node no longer leads (the leader goes on with it).</summary>
    public const string Standby = "STANDBY";

    // Not the before-images: only a torn row needs its own, and it is read again whole (ConvertAsync). An updated row's
    // before-image is a second copy of it, so leaving them out halves what a recovery reads.
    private static readonly IReadOnlyList<string> ReadColumns = [ReplicaTable.ValueColumn, ReplicaTable.IndexColumn];

    private readonly IRecoveryTarget _target;
    private readonly TableStoreClient _client;
    private readonly ReplicaRecoveryOptions _options;
    private readonly ILogger _logger;
    private readonly ReplicaCheckpoint _checkpointRow;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    // Loads go one at a time, each with a progress record that includes every earlier load.
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private RecoveryPlan? _plan;
    private volatile string _state = "STARTING";
    private volatile string? _lastError;
    private long _rowsRepaired;
    private bool _writerGone;
    private CheckpointState? _checkpointAtStart;

    public ReplicaRecovery(IRecoveryTarget target, TableStoreClient client, ReplicaRecoveryOptions options, ILogger logger)
    {
        _target = target;
        _client = client;
        _options = options;
        _logger = logger;
        // Recovery only reads the checkpoint: the store id is never written.
        _checkpointRow = new ReplicaCheckpoint(client, options.TableName, options.Namespace, storeId: "", TimeProvider.System);
    }

    public string Table => _options.TableName;

    /// <summary>The client it reads with (a finished recovery's replica can be verified through it).</summary>
    public TableStoreClient Client => _client;

    /// <summary>Completes when the recovery finished, failed, or was stopped.</summary>
    public Task Completion => _loop;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public RecoveryStatus GetStatus()
    {
        lock (_lock)
        {
            var plan = _plan;
            return new RecoveryStatus(Table, _state, plan?.RowsLoaded ?? 0, plan?.EstimatedRows ?? 0, plan?.Checkpoint ?? 0,
                plan?.Ranges.Count(r => !r.Done) ?? 0, _lastError);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RecoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (NotLeaderException)
        {
            _state = Standby;
            RecoveryLog.NotLeading(_logger, _options.Namespace, _plan?.RowsLoaded ?? 0);
        }
        catch (Exception e)
        {
            // The replica is missing, incomplete, changed or unreadable, or the local store failed: nothing a retry cures.
            _lastError = TableStoreFailures.Mask(e is InvalidDataException or ReplicaConflictException ? e.Message : $"{e.GetType().Name}: {e.Message}", _options.Secrets);
            _state = "FAILED";
            RecoveryLog.Failed(_logger, _options.Namespace, _lastError);
        }
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (_target.RecoveryStage == RecoveryStage.Finished)
        {
            _state = "FINISH";
            return;
        }

        var (checkpoint, estimatedRows) = await ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        _checkpointAtStart = checkpoint;
        var plan = _target.RecoveryProgress is { } progress ? RecoveryPlan.Decode(progress) : null;
        if (plan is not null && (plan.SourceStoreId != checkpoint.StoreId || plan.Checkpoint != checkpoint.Index))
        {
            throw new ReplicaConflictException(
                $"Table {Table} changed since this recovery began (it was store {plan.SourceStoreId} at feed index {plan.Checkpoint}, now store " +
                $"{checkpoint.StoreId} at {checkpoint.Index}): another cluster writes it; stop it and recover again into an empty data directory");
        }

        if (plan is null)
        {
            plan = await BeginAsync(checkpoint, estimatedRows, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            lock (_lock)
            {
                _plan = plan;
            }

            RecoveryLog.Resuming(_logger, _options.Namespace, Table, plan.RowsLoaded, plan.Ranges.Count(r => !r.Done));
        }

        _state = "LOADING";
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = Enumerable.Range(0, _options.Readers).Select(_ => ReadRangesAsync(failed)).ToArray();
        try
        {
            await Task.WhenAll(readers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A reader failed and cancelled the others: its error is the recovery's, not their cancellations.
            var cause = readers.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        }

        var (after, _) = await ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (after != checkpoint)
        {
            throw new ReplicaConflictException(
                $"Table {Table} moved from feed index {checkpoint.Index} to {after.Index} while it was being recovered: another cluster still " +
                "uploads to it; stop it and recover again into an empty data directory");
        }

        Written(await _target.FinishRecoveryAsync(new ReplicaOrigin(checkpoint.StoreId, checkpoint.Index), cancellationToken).ConfigureAwait(false));
        _state = "FINISH";
        RecoveryLog.Finished(_logger, _options.Namespace, plan.RowsLoaded, checkpoint.Index, Interlocked.Read(ref _rowsRepaired));
    }

    /// <summary>The checkpoint of a complete replica, or one line saying why there is none.</summary>
    private async Task<(CheckpointState Checkpoint, long EstimatedRows)> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var (state, estimate, _) = await RetriedAsync(async () =>
        {
            try
            {
                return await _checkpointRow.ReadWithEstimateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ObjectNotExist)
            {
                throw new InvalidDataException($"Table {Table} does not exist on the configured Tablestore instance: there is no replica of namespace {_options.Namespace} to recover from");
            }
        }, cancellationToken).ConfigureAwait(false);
        return state switch
        {
            null => throw new InvalidDataException($"Table {Table} has no checkpoint row: no JindoMeta uploader ever completed a replica in it, nothing to recover from"),
            { SnapshotDone: false } => throw new InvalidDataException(
                $"Table {Table} holds an incomplete replica (its first upload, at feed index {state.Index}, never finished): it cannot be recovered from"),
            { Exact: false } => throw new InvalidDataException(
                $"Table {Table} stands at feed index {state.Index} but is an exact copy only from {state.ConsistentFrom} on (its first upload was retried and its writer stopped before catching up): it cannot be recovered from"),
            _ => (state, estimate),
        };
    }

    /// <summary>Loads the replicated meta rows with the first plan: from then on the store is <see cref="RecoveryStage.Loading"/>.</summary>
    private async Task<RecoveryPlan> BeginAsync(CheckpointState checkpoint, long estimatedRows, CancellationToken cancellationToken)
    {
        var query = new RangeQuery(Table, ReplicaTable.FirstKey(ReplicaTable.MetaParent), ReplicaTable.FirstKey(ReplicaTable.MetaParent + 1))
        {
            Options = new ReadOptions { ColumnsToGet = ReadColumns },
        };
        var stored = new List<Row>();
        await foreach (var row in _client.GetRangeAsync(query, cancellationToken).ConfigureAwait(false))
        {
            stored.Add(row);
        }

        var rows = (await ConvertAsync(stored, checkpoint, cancellationToken).ConfigureAwait(false)).Where(r => r.Row is not null).Select(r => r.Row!).ToList();

        var nextInodeId = rows.FirstOrDefault(r => r.Key.AsSpan().SequenceEqual(NamespaceSchema.MetaKeys.NextInodeId))?.Value
            ?? throw new InvalidDataException($"Table {Table} has no next-inode-id row (parent {ReplicaTable.MetaParent}): it is not a complete JindoMeta replica");
        var endParent = NamespaceSchema.ReadInt64Value(nextInodeId, "next-inode-id");
        // Parents are below the next inode id; a last open range catches anything beyond, so no row is left behind.
        var ranges = RecoveryPlan.Split(endParent, _options.InitialRanges);
        ranges.Add(new RecoveryRange(endParent, null, long.MaxValue));
        var plan = new RecoveryPlan(checkpoint.StoreId, checkpoint.Index, estimatedRows, rows.Count, ranges);
        Written(await _target.LoadRowsAsync(rows, plan.Encode(), cancellationToken).ConfigureAwait(false));
        lock (_lock)
        {
            _plan = plan;
        }

        RecoveryLog.Beginning(_logger, _options.Namespace, Table, checkpoint.Index, checkpoint.StoreId, estimatedRows);
        return plan;
    }

    private async Task ReadRangesAsync(CancellationTokenSource failed)
    {
        try
        {
            while (TakeRange() is { } range)
            {
                try
                {
                    await ReadRangeAsync(range, failed.Token).ConfigureAwait(false);
                }
                finally
                {
                    lock (_lock)
                    {
                        range.Active = false;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failed.CancelAsync().ConfigureAwait(false); // the other readers stop; the recovery fails with this one's error
            throw;
        }
    }

    /// <summary>A range nobody reads, or else the second half of the widest range being read; null when none is left.</summary>
    private RecoveryRange? TakeRange()
    {
        lock (_lock)
        {
            var plan = _plan!;
            if (plan.Ranges.FirstOrDefault(r => r is { Done: false, Active: false }) is { } idle)
            {
                idle.Active = true;
                return idle;
            }

            var widest = plan.Ranges.Where(r => r is { Done: false, Active: true } && r.EndParent != long.MaxValue)
                .MaxBy(r => r.EndParent - r.StartParent);
            if (widest is null || widest.EndParent - widest.StartParent < 2)
            {
                return null;
            }

            var middle = widest.StartParent + ((widest.EndParent - widest.StartParent) / 2);
            var half = new RecoveryRange(middle, null, widest.EndParent) { Active = true };
            widest.EndParent = middle; // its reader drops what it already fetched beyond (ReadRangeAsync)
            plan.Ranges.Add(half);
            return half;
        }
    }

    private async Task ReadRangeAsync(RecoveryRange range, CancellationToken cancellationToken)
    {
        var plan = _plan!;
        while (true)
        {
            long startParent, endParent;
            string? startName;
            lock (_lock)
            {
                (startParent, startName, endParent) = (range.StartParent, range.StartName, range.EndParent);
            }

            var start = startName is null ? ReplicaTable.FirstKey(startParent) : ReplicaTable.Key(startParent, startName);
            var query = new RangeQuery(Table, start, ReplicaTable.FirstKey(endParent)) { Options = new ReadOptions { ColumnsToGet = ReadColumns }, Limit = _options.PageRows };
            var page = await RetriedAsync(() => _client.GetRangePageAsync(query, cancellationToken), cancellationToken).ConfigureAwait(false);
            var converted = await ConvertAsync(page.Rows, _checkpointAtStart!, cancellationToken).ConfigureAwait(false);

            await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                byte[] progress;
                List<LocalRow> rows;
                lock (_lock)
                {
                    // The range may have been split while the page was on its way: rows past its new end belong to the other half.
                    var keep = converted.FindIndex(r => r.Parent >= range.EndParent);
                    var next = page.NextStart;
                    if (keep >= 0)
                    {
                        converted.RemoveRange(keep, converted.Count - keep);
                        next = null;
                    }
                    else if (next is not null && next[0].Value.AsInteger() >= range.EndParent)
                    {
                        next = null;
                    }

                    if (next is null)
                    {
                        // A finished range leaves the plan: the record carries only what is left (on raft every load's
                        // record is in the log of three nodes), and a resumed recovery has nothing to do for it.
                        range.Done = true;
                        plan.Ranges.Remove(range);
                    }
                    else
                    {
                        range.StartParent = next[0].Value.AsInteger();
                        range.StartName = next[1].Value.Type == ColumnValueType.String ? next[1].Value.AsString() : null;
                    }

                    rows = [.. converted.Where(r => r.Row is not null).Select(r => r.Row!)];
                    plan.RowsLoaded += rows.Count;
                    progress = plan.Encode();
                }

                // A failed load fails the recovery (a refused one stops it): the next start resumes from the last record
                // written, not from these.
                Written(await _target.LoadRowsAsync(rows, progress, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                _loadGate.Release();
            }

            if (range.Done)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Replica rows as the local rows they were at the checkpoint (null for a tombstone or a row absent then). A torn row
    /// (a run past the checkpoint wrote it and never completed) gives its before-image and is put back to it in the
    /// table, once the old writer is surely gone: the new store's uploader then finds the table exactly at the checkpoint.
    /// </summary>
    private async Task<List<(long Parent, LocalRow? Row)>> ConvertAsync(IReadOnlyList<Row> rows, CheckpointState checkpoint, CancellationToken cancellationToken)
    {
        var converted = new List<(long, LocalRow?)>(rows.Count);
        var repairs = new List<(TableStore.RowChange Write, ReplicaImage Image)>();
        foreach (var listed in rows)
        {
            var row = listed.GetColumn(ReplicaTable.IndexColumn)?.Value is { Type: ColumnValueType.Integer } index && index.AsInteger() > checkpoint.Index
                ? (await RetriedAsync(() => _client.GetRowAsync(Table, listed.PrimaryKey, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false)).Row ?? listed
                : listed;
            var image = ReplicaTable.ImageAt(row, checkpoint.Index);
            if (image.Ahead)
            {
                throw new InvalidDataException($"Table {Table} row {row.PrimaryKey} was written after the checkpoint {checkpoint.Index} with no image at it: the table is damaged, recovery stopped");
            }

            converted.Add((row.PrimaryKey[0].Value.AsInteger(), image.Value is null ? null : ToLocal(row, image.Value)));
            if (image.Torn)
            {
                repairs.Add((ReplicaTable.RepairWrite(Table, row, image), image));
            }
        }

        if (repairs.Count > 0)
        {
            await EnsureWriterGoneAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            foreach (var batch in repairs.Chunk(UploadRun.MaxRowsPerBatch))
            {
                var results = await RetriedAsync(() => _client.BatchWriteRowAsync([.. batch.Select(r => r.Write)], cancellationToken: cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
                for (var i = 0; i < results.Count; i++)
                {
                    if (results[i].IsOk)
                    {
                        continue;
                    }

                    if (results[i].ErrorCode != TableStoreErrorCodes.ConditionCheckFail)
                    {
                        throw new TableStoreException("BatchWriteRow", results[i].ErrorCode ?? "unknown", results[i].ErrorMessage ?? "", null, 200);
                    }

                    // Fine if the row is already put back (a retried write, or another reader's copy of the page); else someone writes the table.
                    var now = (await RetriedAsync(() => _client.GetRowAsync(Table, batch[i].Write.Key, cancellationToken: cancellationToken), cancellationToken)
                        .ConfigureAwait(false)).Row;
                    var wanted = batch[i].Image.Value;
                    if (now is null || ReplicaTable.ImageAt(now, checkpoint.Index) is not { Torn: false } image ||
                        (image.Value is null ? wanted is not null : wanted is null || !image.Value.AsSpan().SequenceEqual(wanted)))
                    {
                        throw new ReplicaConflictException(
                            $"Table {Table} changed while recovery put back the rows of an unfinished upload run: another cluster still writes it; stop it and recover again");
                    }
                }
            }

            Interlocked.Add(ref _rowsRepaired, repairs.Count);
        }

        return converted;
    }

    /// <summary>
    /// Before changing the table: the checkpoint has not moved and was last written at least
    /// <see cref="ReplicaRecoveryOptions.WriterQuietPeriod"/> ago, so the writer of the torn run is not merely between
    /// two writes of it (checked once per recovery).
    /// </summary>
    private async Task EnsureWriterGoneAsync(CheckpointState checkpoint, CancellationToken cancellationToken)
    {
        while (!_writerGone)
        {
            var (now, _, updatedMs) = await RetriedAsync(() => _checkpointRow.ReadWithEstimateAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            if (now != checkpoint)
            {
                throw new ReplicaConflictException(
                    $"Table {Table} moved from feed index {checkpoint.Index} to {now?.Index} while it was being recovered: another cluster still uploads to it; stop it and recover again");
            }

            var quiet = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - updatedMs);
            if (quiet >= _options.WriterQuietPeriod)
            {
                _writerGone = true;
                RecoveryLog.RepairingTornRun(_logger, _options.Namespace, Table, checkpoint.Index, (long)quiet.TotalSeconds);
                return;
            }

            await Task.Delay(_options.WriterQuietPeriod - quiet, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A replica row's image as the local row it mirrors; anything else in the table is refused with the row named.</summary>
    private LocalRow ToLocal(Row row, byte[] value)
    {
        var parent = row.PrimaryKey[0].Value;
        var name = row.PrimaryKey[1].Value;
        if (parent.Type != ColumnValueType.Integer || name.Type != ColumnValueType.String)
        {
            throw new InvalidDataException($"Table {Table} has a row JindoMeta did not write, {row.PrimaryKey}: recovery stopped");
        }

        if (parent.AsInteger() == ReplicaTable.MetaParent)
        {
            var key = Encoding.ASCII.GetBytes(name.AsString());
            return NamespaceSchema.ReplicatedMetaKeys.Any(k => k.AsSpan().SequenceEqual(key))
                ? new LocalRow(NamespaceSchema.MetaTable, key, value)
                : throw new InvalidDataException($"Table {Table} has a meta row JindoMeta does not replicate, {row.PrimaryKey}: recovery stopped");
        }

        try
        {
            _ = InodeRecordCodec.Decode(value);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"Table {Table} row {row.PrimaryKey} holds no inode record JindoMeta can read ({e.Message}): recovery stopped", e);
        }

        return new LocalRow(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(parent.AsInteger(), name.AsString()), value);
    }

    private async Task<T> RetriedAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (TableStoreFailures.IsRetried(e) && !cancellationToken.IsCancellationRequested)
            {
                var backoff = TableStoreFailures.Backoff(failures, _options.MinBackoff, _options.MaxBackoff);
                _lastError = TableStoreFailures.Mask(e.Message, _options.Secrets);
                RecoveryLog.Retrying(_logger, _options.Namespace, _lastError, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A write the target no longer takes ends the recovery here (the readers stop; see <see cref="Standby"/>).</summary>
    private static void Written(RecoveryWrite write)
    {
        if (write == RecoveryWrite.NotLeader)
        {
            throw new NotLeaderException();
        }
    }

    /// <summary>Stops reading; what is loaded stays, and the next start resumes from it.</summary>
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
        _loadGate.Dispose();
    }

    /// <summary>The target answered <see cref="RecoveryWrite.NotLeader"/>: unwinds the readers, never leaves this class.</summary>
    private sealed class NotLeaderException : Exception
    {
    }
}
