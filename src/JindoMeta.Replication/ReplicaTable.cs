using System.Text;
using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;
using RemoteRow = JindoMeta.TableStore.RowChange;

namespace JindoMeta.Replication;

/// <summary>
/// The layout of a namespace's Tablestore replica (README.md in this project): one table per namespace whose rows mirror the
/// local store, primary key (<c>parent</c> INTEGER, <c>name</c> STRING).
/// <list type="bullet">
/// <item>dentries: (parent inode id, child name) → <c>value</c> = the local dentry value byte for byte
/// (<see cref="InodeRecordCodec"/>), so recovery is a range scan and a bulk load.</item>
/// <item>replicated meta rows (next inode id): (<see cref="MetaParent"/>, meta key) → <c>value</c>.</item>
/// <item>the uploader's checkpoint: (<see cref="BookkeepingParent"/>, "checkpoint"), see <see cref="ReplicaCheckpoint"/>.</item>
/// </list>
/// Every data row also carries <c>index</c>, the feed index of the change that wrote it, and rows written by the feed
/// carry their before-image (<c>prev</c>, <c>prevIndex</c>); deleted rows stay as tombstones until collected. Writes are
/// conditional on the stored index being no newer, so a request that lands late (sent before a timeout, retried
/// since) cannot bring back an older image over a newer one.
/// </summary>
public static class ReplicaTable
{
    /// <summary>Rows a BatchGetRow reads at most (PROTOCOL.md section 6).</summary>
    public const int MaxRowsPerBatchGet = 100;

    public const string ParentColumn = "parent";
    public const string NameColumn = "name";
    public const string ValueColumn = "value";
    public const string IndexColumn = "index";
    public const string PreviousValueColumn = "prev";
    public const string PreviousIndexColumn = "prevIndex";

    /// <summary>Inode ids are positive and the root's parent is 0, so negative parents are free for other rows.</summary>
    public const long MetaParent = -1;
    public const long BookkeepingParent = -2;

    /// <summary>Tablestore's attribute value limit (PROTOCOL.md section 6).</summary>
    public const int MaxValueBytes = 2 * 1024 * 1024;

    /// <summary>
    /// jindometa_ + the namespace name, with '_' written "__" and '-' written "_h" (table names allow only letters,
    /// digits and '_'), so distinct namespaces never share a table.
    /// </summary>
    public static string TableName(string namespaceName)
    {
        var name = new StringBuilder("jindometa_", 10 + (namespaceName.Length * 2));
        foreach (var c in namespaceName)
        {
            name.Append(c switch
            {
                '_' => "__",
                '-' => "_h",
                _ when char.IsAsciiLetterOrDigit(c) => c.ToString(),
                _ => throw new ArgumentException($"Namespace name '{namespaceName}' has a character a table name cannot hold: '{c}'", nameof(namespaceName)),
            });
        }

        return name.ToString();
    }

    public static TableSchema Schema(string table) =>
        new(table, [new PrimaryKeySchemaColumn(ParentColumn, PrimaryKeyType.Integer), new PrimaryKeySchemaColumn(NameColumn, PrimaryKeyType.String)]);

    public static PrimaryKey Key(long parent, string name) => PrimaryKey.Of((ParentColumn, parent), (NameColumn, name));

    /// <summary>The key before every row of <paramref name="parent"/> (a range bound).</summary>
    public static PrimaryKey FirstKey(long parent) => PrimaryKey.Of((ParentColumn, parent), (NameColumn, ColumnValue.InfMin));

    /// <summary>The replica key of a local row.</summary>
    public static PrimaryKey Key(LocalRow row) => row.Table switch
    {
        NamespaceSchema.DentriesTable => DentryKey(row.Key),
        NamespaceSchema.MetaTable => Key(MetaParent, Encoding.ASCII.GetString(row.Key)),
        _ => throw new ArgumentException($"Rows of table {row.Table} are not replicated", nameof(row)),
    };

    /// <summary>
    /// The write that makes the replica row hold <paramref name="row"/> as of feed index <paramref name="index"/>. A
    /// deletion is written as a tombstone (the key, <c>index</c>, no <c>value</c>), so a request that lands late cannot
    /// bring the row back. A run's rows also carry the row's image at the checkpoint the run started from
    /// (<paramref name="before"/>, at <c>prevIndex</c>): if the run never completes, recovery takes that image instead
    /// (<see cref="ImageAt"/>). A snapshot's rows (<paramref name="before"/> null) carry none.
    /// </summary>
    /// <param name="replacing">The index of a torn row this write replaces (the condition is then "still that row"); null: "no newer row".</param>
    public static RemoteRow ToWrite(string table, LocalRow row, long index, ReplicaImage? before = null, long? replacing = null)
    {
        var key = Key(row);
        var notNewer = new RowCondition(RowExistence.Ignore, replacing is { } torn
            ? new SingleColumnCondition(IndexColumn, ComparisonOperator.Equal, torn, PassIfMissing: false)
            : new SingleColumnCondition(IndexColumn, ComparisonOperator.LessEqual, index, PassIfMissing: true));
        if (row.Value?.Length > MaxValueBytes || before?.Value?.Length > MaxValueBytes)
        {
            throw new InvalidDataException(
                $"The row {key} has a value above Tablestore's {MaxValueBytes}-byte cell limit: it cannot be uploaded");
        }

        var columns = new List<Column>(4) { new(IndexColumn, index) };
        if (row.Value is not null)
        {
            columns.Add(new Column(ValueColumn, row.Value));
        }

        if (before is not null)
        {
            columns.Add(new Column(PreviousIndexColumn, before.Index));
            if (before.Value is not null)
            {
                columns.Add(new Column(PreviousValueColumn, before.Value));
            }
        }

        return new RowPutChange(table, key, columns) { Condition = notNewer };
    }

    /// <summary>
    /// Puts a torn row (<paramref name="torn"/>, written past the checkpoint by a run that never completed) back to its
    /// image at the checkpoint, as a committed row: only if it is still that torn row.
    /// </summary>
    public static RemoteRow RepairWrite(string table, TableStore.Row torn, ReplicaImage image)
    {
        var tornIndex = torn.GetColumn(IndexColumn)!.Value.Value.AsInteger();
        var columns = new List<Column>(2) { new(IndexColumn, image.Index) };
        if (image.Value is not null)
        {
            columns.Add(new Column(ValueColumn, image.Value));
        }

        return new RowPutChange(table, torn.PrimaryKey, columns)
        {
            Condition = new RowCondition(RowExistence.ExpectExist,
                new SingleColumnCondition(IndexColumn, ComparisonOperator.Equal, tornIndex, PassIfMissing: false)),
        };
    }

    /// <summary>
    /// What a replica row says the local row was at feed index <paramref name="at"/> (a checkpoint): its value when it was
    /// written at or before it (null for a tombstone), its before-image when a run past the checkpoint wrote it (that run's
    /// checkpoint was never written: the writer stopped mid-run), and whether it was such a torn row; or, at a checkpoint
    /// that is not <see cref="CheckpointState.Exact"/>, possibly a newer value (<see cref="ReplicaImage.Ahead"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The row is not one JindoMeta writes.</exception>
    public static ReplicaImage ImageAt(TableStore.Row row, long at)
    {
        var index = row.GetColumn(IndexColumn)?.Value;
        var value = row.GetColumn(ValueColumn)?.Value;
        if (index is not { Type: ColumnValueType.Integer } || value is { Type: not ColumnValueType.Binary })
        {
            throw new InvalidDataException($"The replica row {row.PrimaryKey} is not one JindoMeta wrote");
        }

        if (index.Value.AsInteger() <= at)
        {
            return new ReplicaImage(value?.AsBinary(), index.Value.AsInteger(), Torn: false);
        }

        var previousIndex = row.GetColumn(PreviousIndexColumn)?.Value;
        var previous = row.GetColumn(PreviousValueColumn)?.Value;
        if (previousIndex is not { Type: ColumnValueType.Integer } before || before.AsInteger() > at)
        {
            // Written past the checkpoint with no image at or before it: a retried initial snapshot's row, or a run's
            // while the feed still catches up to that snapshot (CheckpointState.Exact is false until then).
            return new ReplicaImage(value?.AsBinary(), index.Value.AsInteger(), Torn: false, Ahead: true);
        }

        if (previous is { Type: not ColumnValueType.Binary })
        {
            throw new InvalidDataException($"The replica row {row.PrimaryKey} is not one JindoMeta wrote");
        }

        return new ReplicaImage(previous?.AsBinary(), previousIndex.Value.AsInteger(), Torn: true);
    }

    /// <summary>Bytes a write adds to a BatchWriteRow request, roughly (key, value and PlainBuffer framing).</summary>
    public static int EstimatedBytes(LocalRow row) => row.Key.Length + (2 * (row.Value?.Length ?? 0)) + 96; // value and, for a run, its before-image

    private static PrimaryKey DentryKey(byte[] key)
    {
        var (parent, name) = NamespaceSchema.ParseDentryKey(key);
        return Key(parent, name);
    }
}
