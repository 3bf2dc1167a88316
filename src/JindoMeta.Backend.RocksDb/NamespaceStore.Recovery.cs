using System.Globalization;
using System.Text;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>Recovery mode's side of the store: the bulk load and the marks that say how far it got.</summary>
public sealed partial class NamespaceStore
{
    public RecoveryStage ReadRecoveryStage()
    {
        if (Database.Get(Meta, NamespaceSchema.MetaKeys.RecoveryProgress) is not null)
        {
            return RecoveryStage.Loading;
        }

        var last = ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex) ?? 0;
        if (ReadRecoveredFrom() is { } origin)
        {
            // Writes since the recovery make it the store's own metadata again.
            return last == origin.ChangeIndex ? RecoveryStage.Finished : RecoveryStage.Populated;
        }

        if (last > 0)
        {
            return RecoveryStage.Populated;
        }

        using var iterator = Database.NewIterator(Dentries);
        iterator.SeekToFirst();
        var rows = 0;
        for (; iterator.Valid && rows < 2; iterator.Next())
        {
            rows++;
        }

        return rows > 1 ? RecoveryStage.Populated : RecoveryStage.Empty;
    }

    public byte[]? ReadRecoveryProgress() => Database.Get(Meta, NamespaceSchema.MetaKeys.RecoveryProgress);

    public ReplicaOrigin? ReadRecoveredFrom()
    {
        if (Database.Get(Meta, NamespaceSchema.MetaKeys.RecoveredFrom) is not { } value)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(value);
        var colon = text.LastIndexOf(':');
        return colon > 0 && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? new ReplicaOrigin(text[..colon], index)
            : throw new InvalidDataException($"The store at {Path} has a damaged recovered-from row: '{text}'");
    }

    /// <summary>
    /// Puts replica rows with the progress record in one unsynced write: a process crash keeps it (the WAL is in the
    /// page cache), a machine crash may lose a suffix of loads together with their progress, which the recovery then
    /// repeats. <see cref="FinishRecovery"/> syncs everything.
    /// </summary>
    public void LoadRecoveryRows(IReadOnlyList<RowChange> rows, byte[] progress)
    {
        using var batch = new WriteBatch();
        StageRecoveryRows(batch, rows, progress);
        Database.Write(batch, sync: false);
    }

    /// <summary>The feed continues after the origin's index; the load becomes the store's state, durably.</summary>
    public void FinishRecovery(ReplicaOrigin origin)
    {
        using var batch = new WriteBatch();
        StageFinishRecovery(batch, origin);
        Database.Write(batch, sync: true);
    }

    /// <summary>Adds replica rows (dentry and meta puts only) and the progress record to <paramref name="batch"/> (raft: the load entry's batch).</summary>
    public void StageRecoveryRows(WriteBatch batch, IReadOnlyList<RowChange> rows, byte[] progress)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            if (row.Value is null || row.Table is not (NamespaceSchema.DentriesTable or NamespaceSchema.MetaTable))
            {
                throw new ArgumentException($"Recovery loads dentry and meta puts only, not {row.Table} {(row.Value is null ? "delete" : "put")}", nameof(rows));
            }

            Stage(batch, row);
        }

        batch.Put(Meta, NamespaceSchema.MetaKeys.RecoveryProgress, progress);
    }

    /// <summary>
    /// Adds the end of a recovery to <paramref name="batch"/>: the progress record dropped, recovered-from set, and the
    /// feed continuing after the origin's index (last = trimmed = that index).
    /// </summary>
    public void StageFinishRecovery(WriteBatch batch, ReplicaOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(origin);
        batch.Delete(Meta, NamespaceSchema.MetaKeys.RecoveryProgress);
        batch.Put(Meta, NamespaceSchema.MetaKeys.RecoveredFrom,
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{origin.StoreId}:{origin.ChangeIndex}")));
        StageLastChangeIndex(batch, origin.ChangeIndex);
        batch.Put(Meta, NamespaceSchema.MetaKeys.TrimmedChangeIndex, NamespaceSchema.Int64Value(origin.ChangeIndex));
    }
}
