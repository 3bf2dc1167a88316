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
/// Every data row also carries <c>index</c>, the feed index of the change that wrote it. Writes are conditional on the
/// stored index being no newer, so a request that lands late (sent before a timeout, retried since) cannot bring back
/// an older image over a newer one.
/// </summary>
public static class ReplicaTable
{
    public const string ParentColumn = "parent";
    public const string NameColumn = "name";
    public const string ValueColumn = "value";
    public const string IndexColumn = "index";

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

    /// <summary>The write that makes the replica row hold <paramref name="row"/> as of feed index <paramref name="index"/>.</summary>
    public static RemoteRow ToWrite(string table, LocalRow row, long index)
    {
        var key = Key(row);
        var notNewer = new RowCondition(RowExistence.Ignore,
            new SingleColumnCondition(IndexColumn, ComparisonOperator.LessEqual, index, PassIfMissing: true));
        if (row.Value is null)
        {
            return new RowDeleteChange(table, key) { Condition = notNewer };
        }

        if (row.Value.Length > MaxValueBytes)
        {
            throw new InvalidDataException(
                $"The row {key} has a {row.Value.Length}-byte value, above Tablestore's {MaxValueBytes}-byte cell limit: it cannot be uploaded");
        }

        return new RowPutChange(table, key, [new Column(ValueColumn, row.Value), new Column(IndexColumn, index)]) { Condition = notNewer };
    }

    /// <summary>Bytes a write adds to a BatchWriteRow request, roughly (key, value and PlainBuffer framing).</summary>
    public static int EstimatedBytes(LocalRow row) => row.Key.Length + (row.Value?.Length ?? 0) + 64;

    private static PrimaryKey DentryKey(byte[] key)
    {
        var (parent, name) = NamespaceSchema.ParseDentryKey(key);
        return Key(parent, name);
    }
}
