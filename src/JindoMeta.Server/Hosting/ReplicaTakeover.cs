using System.Globalization;
using JindoMeta.Replication;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Fencing for the raft leader's uploads. The leader of term T uploads as store <c>{cluster id}.t{T}</c>
/// (<see cref="StoreIdOf"/>); before it starts, <see cref="TakeOverAsync"/> moves the checkpoint row's
/// <c>store</c> from an earlier term of the same cluster to its own, with one conditional update that expects the row
/// as read. Every checkpoint update of a deposed leader expects its own store id, so once the row is taken over, a
/// late update of the old leader fails instead of moving the checkpoint under the new one (which would stop it as if a
/// second cluster wrote the table). Rows of another cluster, and rows a later term already took, are left alone: the
/// uploader then refuses the table as it does for the rocksdb backend.
/// </summary>
public static class ReplicaTakeover
{
    private const string TermSeparator = ".t";

    /// <summary>The store id the leader of <paramref name="term"/> writes as.</summary>
    public static string StoreIdOf(string clusterId, ulong term) => $"{clusterId}{TermSeparator}{term.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Takes the checkpoint row of <paramref name="table"/> over for <paramref name="storeId"/> if an earlier term of
    /// the same cluster holds it; returns the state taken over, or null when there was nothing to take (no table or row,
    /// ours already, a later term's, another cluster's, or not a JindoMeta row).
    /// </summary>
    public static async Task<CheckpointState?> TakeOverAsync(TableStoreClient client, string table, string storeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (cluster, term) = Parse(storeId) ?? throw new ArgumentException($"'{storeId}' is not a raft leadership store id", nameof(storeId));
        var row = new ReplicaCheckpoint(client, table, namespaceName: "", storeId, TimeProvider.System); // only read through
        while (true)
        {
            CheckpointState? stored;
            try
            {
                stored = await row.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ObjectNotExist)
            {
                return null; // a new replica: the uploader creates the table and claims it
            }
            catch (ReplicaConflictException)
            {
                return null; // not a checkpoint JindoMeta wrote: the uploader refuses the table
            }

            if (stored is null || Parse(stored.StoreId) is not { } held || held.Cluster != cluster || held.Term >= term)
            {
                return null;
            }

            var expected = new CompositeCondition(LogicalCombinator.And,
                new SingleColumnCondition(ReplicaCheckpoint.StoreColumn, ComparisonOperator.Equal, stored.StoreId, PassIfMissing: false),
                new SingleColumnCondition(ReplicaTable.IndexColumn, ComparisonOperator.Equal, stored.Index, PassIfMissing: false));
            try
            {
                await client.UpdateRowAsync(table, ReplicaCheckpoint.Key, [ColumnUpdate.Put(ReplicaCheckpoint.StoreColumn, storeId)],
                    new RowCondition(RowExistence.ExpectExist, expected), cancellationToken: cancellationToken).ConfigureAwait(false);
                return stored;
            }
            catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
            {
                // The old leader moved it meanwhile, or our retried update already landed: read it again.
            }
        }
    }

    private static (string Cluster, ulong Term)? Parse(string storeId)
    {
        var separator = storeId.LastIndexOf(TermSeparator, StringComparison.Ordinal);
        return separator > 0 && ulong.TryParse(storeId.AsSpan(separator + TermSeparator.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var term)
            ? (storeId[..separator], term)
            : null;
    }
}
