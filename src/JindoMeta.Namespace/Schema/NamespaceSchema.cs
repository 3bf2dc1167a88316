using System.Buffers.Binary;
using System.Text;

namespace JindoMeta.Namespace.Schema;

/// <summary>
/// The whole storage layout in one place (ARCHITECTURE.md, "Storage schema"), shared by every backend, the
/// Tablestore replica and offline inspection tools. Column families (tables):
/// <list type="bullet">
/// <item><c>dentries</c>: key = parent inode id (8 bytes, big-endian) + child name (UTF-8) → <see cref="InodeRecordCodec"/>.
/// A listing is a prefix scan; a stat is one get per path component; a directory rename moves one row.</item>
/// <item><c>meta</c>: key = an ASCII name from <see cref="MetaKeys"/> → value (8-byte big-endian integers unless noted).</item>
/// <item><c>changes</c>: key = change index (8 bytes, big-endian) → <see cref="ChangeFeedCodec"/> entry.</item>
/// <item><c>retries</c>: the retry cache (outcomes of recent calls by client id + call id), two kinds of row, see
/// <see cref="RetryCacheCodec"/>: 'c' + client id (16 bytes) + call id (8 bytes BE) → [time: 8 bytes BE][outcome], and
/// the expiry index 'e' + time (8 bytes BE) + client id + call id → empty. Added after format version 1 without a
/// bump: an older store simply has the table empty.</item>
/// </list>
/// </summary>
public static class NamespaceSchema
{
    /// <summary>Bumped whenever a key or value layout changes incompatibly; a store of another version is refused.</summary>
    public const long FormatVersion = 1;

    public const string DentriesTable = "dentries";
    public const string MetaTable = "meta";
    public const string ChangesTable = "changes";
    public const string RetriesTable = "retries";

    public static IReadOnlyList<string> Tables { get; } = [DentriesTable, MetaTable, ChangesTable, RetriesTable];

    /// <summary>The root directory is the entry (0, "").</summary>
    public const long RootParentId = 0;
    public const string RootName = "";

    /// <summary>As in HDFS (INodeId.ROOT_INODE_ID); new inodes count up from the next one.</summary>
    public const long RootInodeId = 16385;

    public const int DentryKeyPrefixLength = 8;

    /// <summary>Largest dentry key: id + a 255-byte name.</summary>
    public const int MaxDentryKeyLength = DentryKeyPrefixLength + Paths.PathRules.MaxComponentBytes;

    /// <summary>Writes the dentry key into <paramref name="destination"/> and returns its length.</summary>
    public static int WriteDentryKey(Span<byte> destination, long parentId, string name)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, parentId);
        return DentryKeyPrefixLength + Encoding.UTF8.GetBytes(name, destination[DentryKeyPrefixLength..]);
    }

    public static byte[] DentryKey(long parentId, string name)
    {
        var key = new byte[DentryKeyPrefixLength + Encoding.UTF8.GetByteCount(name)];
        WriteDentryKey(key, parentId, name);
        return key;
    }

    /// <summary>The 8-byte prefix shared by every child of <paramref name="parentId"/>.</summary>
    public static void WriteDentryPrefix(Span<byte> destination, long parentId) =>
        BinaryPrimitives.WriteInt64BigEndian(destination, parentId);

    public static (long ParentId, string Name) ParseDentryKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < DentryKeyPrefixLength)
        {
            throw new FormatException($"A dentry key has at least {DentryKeyPrefixLength} bytes, this one has {key.Length}");
        }

        return (BinaryPrimitives.ReadInt64BigEndian(key), Encoding.UTF8.GetString(key[DentryKeyPrefixLength..]));
    }

    public static byte[] Int64Value(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    public static long ReadInt64Value(ReadOnlySpan<byte> value, string what) =>
        value.Length == 8
            ? BinaryPrimitives.ReadInt64BigEndian(value)
            : throw new FormatException($"The {what} value has {value.Length} bytes, expected 8");

    public static byte[] ChangeKey(long index) => Int64Value(index);

    /// <summary>Meta rows that the change feed carries (and a replica mirrors); the others are local bookkeeping.</summary>
    public static IReadOnlyList<byte[]> ReplicatedMetaKeys { get; } = [MetaKeys.NextInodeId];

    /// <summary>Keys of the <c>meta</c> table.</summary>
    public static class MetaKeys
    {
        public static readonly byte[] FormatVersion = "format-version"u8.ToArray();
        /// <summary>UTF-8 name of the backend that created the store (rocksdb, raft): another one refuses it.</summary>
        public static readonly byte[] BackendType = "backend-type"u8.ToArray();
        public static readonly byte[] NextInodeId = "next-inode-id"u8.ToArray();
        /// <summary>Index of the last change written to the change feed.</summary>
        public static readonly byte[] LastChangeIndex = "last-change-index"u8.ToArray();
        /// <summary>Changes at or below this index were trimmed from the feed.</summary>
        public static readonly byte[] TrimmedChangeIndex = "trimmed-change-index"u8.ToArray();
        /// <summary>
        /// Raft backend: the last raft log index applied to this state, written in the same batch as that entry's
        /// rows (absent means 0: nothing applied yet).
        /// </summary>
        public static readonly byte[] AppliedRaftIndex = "applied-raft-index"u8.ToArray();
        /// <summary>
        /// rocksdb backend: a random id (16 bytes) made the first time the store is opened, added after format version 1
        /// without a bump; the async uploader records it in the replica table to tell this store from another one.
        /// Never in a raft state (replicated state is identical on every node).
        /// </summary>
        public static readonly byte[] StoreId = "store-id"u8.ToArray();
        /// <summary>
        /// raft backend: the cluster's random id (16 bytes) for the async uploader, the raft counterpart of
        /// <see cref="StoreId"/>. Set by a replicated entry that the leader proposes (the id drawn before proposing),
        /// so it is in the replicated state: identical on every node, in snapshots and checksums, and another cluster
        /// (formatted on its own) has another one.
        /// </summary>
        public static readonly byte[] ReplicaStoreId = "replica-store-id"u8.ToArray();
        /// <summary>
        /// Recovery mode: the progress record of a recovery under way (the recovery's own encoding), written in the
        /// batch of the rows it covers; absent when none is under way.
        /// </summary>
        public static readonly byte[] RecoveryProgress = "recovery-progress"u8.ToArray();
        /// <summary>
        /// Recovery mode: UTF-8 "STOREID:INDEX", the replica this store was rebuilt from (its writer and checkpoint),
        /// written when the recovery finished.
        /// </summary>
        public static readonly byte[] RecoveredFrom = "recovered-from"u8.ToArray();
        /// <summary>How many calls the retry cache holds (its 'c' rows; absent means 0).</summary>
        public static readonly byte[] RetryCacheEntries = "retry-cache-entries"u8.ToArray();
    }
}
