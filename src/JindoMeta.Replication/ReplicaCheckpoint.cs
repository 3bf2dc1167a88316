using JindoMeta.TableStore;

namespace JindoMeta.Replication;

/// <summary>Where a replica stands, as its checkpoint row says.</summary>
/// <param name="Index">Every feed entry up to this one is in the table.</param>
/// <param name="StoreId">The local store that writes the table (<see cref="Namespace.Backend.IReplicaSource.StoreId"/>).</param>
/// <param name="SnapshotDone">False while the initial snapshot (at <paramref name="Index"/>) is being written.</param>
public sealed record CheckpointState(long Index, string StoreId, bool SnapshotDone);

/// <summary>The table belongs to another store, or its checkpoint moved under us: a second cluster writes it.</summary>
public sealed class ReplicaConflictException(string message) : Exception(message);

/// <summary>
/// The checkpoint row (<see cref="ReplicaTable.BookkeepingParent"/>, "checkpoint"): <c>index</c>, <c>store</c>,
/// <c>phase</c> (snapshot | feed), <c>namespace</c>, <c>updated</c> (epoch ms), <c>entryTime</c> (commit time of the
/// entry at <c>index</c>), <c>rows</c> (the source's estimate of its row count, for recovery's progress). It is created with EXPECT_NOT_EXIST and every later write expects the store id and the
/// previous index, so two uploaders can never both advance it: the loser learns it at its next write and stops.
/// </summary>
public sealed class ReplicaCheckpoint(TableStoreClient client, string table, string namespaceName, string storeId, TimeProvider clock)
{
    public const string StoreColumn = "store";
    public const string PhaseColumn = "phase";
    public const string NamespaceColumn = "namespace";
    public const string UpdatedColumn = "updated";
    public const string EntryTimeColumn = "entryTime";
    public const string RowsColumn = "rows";

    public static PrimaryKey Key { get; } = ReplicaTable.Key(ReplicaTable.BookkeepingParent, "checkpoint");

    public async Task<CheckpointState?> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadWithEstimateAsync(cancellationToken).ConfigureAwait(false)).State;

    /// <summary>The checkpoint and the writer's row-count estimate at it (0 when it recorded none).</summary>
    public async Task<(CheckpointState? State, long EstimatedRows)> ReadWithEstimateAsync(CancellationToken cancellationToken)
    {
        var row = (await client.GetRowAsync(table, Key, cancellationToken: cancellationToken).ConfigureAwait(false)).Row;
        if (row is null)
        {
            return (null, 0);
        }

        var index = row.GetColumn(ReplicaTable.IndexColumn)?.Value;
        var store = row.GetColumn(StoreColumn)?.Value;
        var phase = row.GetColumn(PhaseColumn)?.Value;
        if (index is not { Type: ColumnValueType.Integer } || store is not { Type: ColumnValueType.String } || phase is not { Type: ColumnValueType.String })
        {
            throw new ReplicaConflictException($"The table {table} has a checkpoint row that JindoMeta did not write ({row}): refusing to upload into it");
        }

        var rows = row.GetColumn(RowsColumn)?.Value is { Type: ColumnValueType.Integer } estimate ? estimate.AsInteger() : 0;
        return (new CheckpointState(index.Value.AsInteger(), store.Value.AsString(), phase.Value.AsString() == "feed"), rows);
    }

    /// <summary>Claims an empty table for this store, starting with a snapshot at <paramref name="index"/>.</summary>
    public async Task ClaimAsync(long index, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutRowAsync(table, Key, Columns(index, snapshotDone: false, entryTimeMs: 0, estimatedRows: 0), RowCondition.ExpectNotExist,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
        {
            // Ours if an earlier attempt of this very put landed before its reply was lost.
            await ExpectAsync(new CheckpointState(index, storeId, SnapshotDone: false), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the checkpoint from <paramref name="previous"/> to <paramref name="next"/>, expecting the row to be unchanged.</summary>
    public async Task AdvanceAsync(CheckpointState previous, CheckpointState next, long entryTimeMs, long estimatedRows, CancellationToken cancellationToken)
    {
        var expected = new CompositeCondition(LogicalCombinator.And,
            new SingleColumnCondition(StoreColumn, ComparisonOperator.Equal, previous.StoreId, PassIfMissing: false),
            new SingleColumnCondition(ReplicaTable.IndexColumn, ComparisonOperator.Equal, previous.Index, PassIfMissing: false),
            new SingleColumnCondition(PhaseColumn, ComparisonOperator.Equal, Phase(previous.SnapshotDone), PassIfMissing: false));
        var updates = Columns(next.Index, next.SnapshotDone, entryTimeMs, estimatedRows).Select(c => ColumnUpdate.Put(c.Name, c.Value)).ToArray();
        try
        {
            await client.UpdateRowAsync(table, Key, updates, new RowCondition(RowExistence.ExpectExist, expected),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
        {
            await ExpectAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes over a replica this store was recovered from (<paramref name="stored"/>: the old writer's checkpoint, unchanged
    /// since the recovery read it): the row moves to this store at the same index, so the old cluster, should it come
    /// back, is refused, and upload continues from there without writing the table again.
    /// </summary>
    public async Task<CheckpointState> TakeOverAsync(CheckpointState stored, long estimatedRows, CancellationToken cancellationToken)
    {
        var ours = stored with { StoreId = storeId };
        await AdvanceAsync(stored, ours, 0, estimatedRows, cancellationToken).ConfigureAwait(false);
        return ours;
    }

    /// <summary>After a failed condition: fine if the row already says <paramref name="expected"/> (our retried write), a conflict otherwise.</summary>
    private async Task ExpectAsync(CheckpointState expected, CancellationToken cancellationToken)
    {
        var actual = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (actual != expected)
        {
            throw new ReplicaConflictException(Describe(actual));
        }
    }

    /// <summary>The one line an operator reads when another cluster writes the table.</summary>
    public string Describe(CheckpointState? actual) => actual is null
        ? $"The checkpoint row of table {table} vanished while store {storeId} was uploading: someone else writes the table; upload stopped"
        : actual.StoreId != storeId
            ? $"Table {table} is the replica of another cluster (store {actual.StoreId}, checkpoint {actual.Index}); this one is store {storeId}: " +
              "upload stopped, nothing merged (point this cluster at another instance or namespace, or delete the table)"
            : $"The checkpoint of table {table} moved to {actual.Index} under this uploader: a second uploader of store {storeId} writes it; upload stopped";

    private Column[] Columns(long index, bool snapshotDone, long entryTimeMs, long estimatedRows) =>
    [
        new(ReplicaTable.IndexColumn, index),
        new(RowsColumn, estimatedRows),
        new(StoreColumn, storeId),
        new(PhaseColumn, Phase(snapshotDone)),
        new(NamespaceColumn, namespaceName),
        new(UpdatedColumn, clock.GetUtcNow().ToUnixTimeMilliseconds()),
        new(EntryTimeColumn, entryTimeMs),
    ];

    private static string Phase(bool snapshotDone) => snapshotDone ? "feed" : "snapshot";
}
