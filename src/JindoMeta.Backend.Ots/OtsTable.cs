using System.Globalization;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// The layout of an ots namespace table. Data rows are the replica's (<see cref="ReplicaTable"/>): (parent, name) →
/// <c>value</c> (the local dentry bytes), <c>index</c> (the commit that wrote it; deletions are tombstones), next to
/// which the bookkeeping partition (<see cref="ReplicaTable.BookkeepingParent"/>) holds:
/// <list type="bullet">
/// <item>(-2, "format"): <c>magic</c>, <c>version</c>, <c>namespace</c>: refused unless ours;</item>
/// <item>(-2, "lease"): the lease and the commit log, see <see cref="LeaseRow"/>;</item>
/// <item>(-2, "x{epoch}.{seq}.{i}"): pieces of a commit too large for the lease row.</item>
/// </list>
/// </summary>
public static class OtsTable
{
    public const string Magic = "jindometa-ots-namespace";
    public const long FormatVersion = 1;

    public const string FormatRowName = "format";
    public const string LeaseRowName = "lease";
    public const string MagicColumn = "magic";
    public const string VersionColumn = "version";
    public const string NamespaceColumn = "namespace";

    /// <summary>jindo_ns_ + the namespace as <see cref="ReplicaTable.TableName"/> spells it: never a replica's name (those start jindometa_).</summary>
    public static string TableName(string namespaceName) => "jindo_ns_" + ReplicaTable.TableName(namespaceName)["jindometa_".Length..];

    public static PrimaryKey FormatKey { get; } = ReplicaTable.Key(ReplicaTable.BookkeepingParent, FormatRowName);

    public static PrimaryKey LeaseKey { get; } = ReplicaTable.Key(ReplicaTable.BookkeepingParent, LeaseRowName);

    public static PrimaryKey PieceKey(long epoch, long seq, int piece) =>
        ReplicaTable.Key(ReplicaTable.BookkeepingParent, string.Create(CultureInfo.InvariantCulture, $"x{epoch}.{seq}.{piece}"));

    /// <summary>The rows a formatter writes, so a table holding only these is one whose format was cut short.</summary>
    public static bool IsFormatRow(PrimaryKey key) =>
        key.Equals(FormatKey) || key.Equals(LeaseKey) ||
        key.Equals(ReplicaTable.Key(NamespaceSchema.RootParentId, NamespaceSchema.RootName)) ||
        key.Equals(ReplicaTable.Key(new LocalRow(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.NextInodeId, null)));
}
