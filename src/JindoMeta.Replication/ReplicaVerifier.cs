using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;

namespace JindoMeta.Replication;

/// <summary>The outcome of comparing a local namespace with its replica table at one feed index.</summary>
/// <param name="Differences">Up to <see cref="ReplicaVerifier.MaxListedDifferences"/> lines, "missing|extra|different PATH".</param>
public sealed record ReplicaComparison(
    string Table, long Index, long LocalRows, long ReplicaRows, string LocalChecksum, string ReplicaChecksum,
    IReadOnlyList<string> Differences, long DifferenceCount)
{
    public bool Same => DifferenceCount == 0;
}

/// <summary>
/// Compares a local snapshot with the replica table (`jindo jfs -verifyReplica`): both must stand at the same feed
/// index, which the caller arranges (<see cref="AsyncUploader.VerifyAsync"/> holds its uploader there).
/// </summary>
/// <remarks>
/// First pass: a count and an order-independent checksum per side (the wrapping sum of a SHA-256 prefix of each row's
/// key and value), so equal namespaces cost one scan of each and no memory. Only when they differ, a second pass keys
/// the local rows by (parent, name) and names the rows that differ, as paths where the local directories tell them.
/// </remarks>
public static class ReplicaVerifier
{
    public const int MaxListedDifferences = 20;

    private static readonly IReadOnlyList<string> ReadColumns =
        [ReplicaTable.ValueColumn, ReplicaTable.IndexColumn, ReplicaTable.PreviousValueColumn, ReplicaTable.PreviousIndexColumn];

    /// <exception cref="InvalidOperationException">The table is not at the snapshot's index (or holds no complete replica).</exception>
    public static async Task<ReplicaComparison> CompareAsync(IReplicaSnapshot local, TableStoreClient client, string table, CancellationToken cancellationToken)
    {
        var checkpoint = await new ReplicaCheckpoint(client, table, "", "", TimeProvider.System).ReadAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is not { Exact: true } || checkpoint.Index != local.ChangeIndex)
        {
            throw new InvalidOperationException(checkpoint is null
                ? $"Table {table} has no checkpoint row: there is no replica to verify"
                : $"Table {table} stands at feed index {checkpoint.Index}{(checkpoint.Exact ? "" : checkpoint.SnapshotDone ? $" (an exact copy only from {checkpoint.ConsistentFrom} on)" : " (initial snapshot unfinished)")}, the local namespace at {local.ChangeIndex}: " +
                  "they compare only at one index (verify on the node that uploads, or once the uploader has caught up)");
        }

        var (localRows, localSum) = (0L, 0UL);
        foreach (var (parent, name, value) in LocalRows(local))
        {
            localRows++;
            localSum += Digest(parent, name, value);
        }

        var (replicaRows, replicaSum) = (0L, 0UL);
        await foreach (var (parent, name, value) in ReplicaRowsAsync(client, table, local.ChangeIndex, cancellationToken).ConfigureAwait(false))
        {
            replicaRows++;
            replicaSum += Digest(parent, name, value);
        }

        if (localRows == replicaRows && localSum == replicaSum)
        {
            return new ReplicaComparison(table, local.ChangeIndex, localRows, replicaRows, Hex(localSum), Hex(replicaSum), [], 0);
        }

        var (differences, count) = await LocateAsync(local, client, table, cancellationToken).ConfigureAwait(false);
        return new ReplicaComparison(table, local.ChangeIndex, localRows, replicaRows, Hex(localSum), Hex(replicaSum), differences, Math.Max(count, 1));
    }

    private static async Task<(List<string> Differences, long Count)> LocateAsync(IReplicaSnapshot local, TableStoreClient client, string table, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<(long, string), ulong>();
        var directories = new Dictionary<long, (long Parent, string Name)>();
        foreach (var (parent, name, value) in LocalRows(local))
        {
            digests[(parent, name)] = Digest(parent, name, value);
            if (parent >= 0 && InodeRecordCodec.Decode(value) is { IsDirectory: true } record)
            {
                directories[record.Id] = (parent, name);
            }
        }

        var differences = new List<string>();
        long count = 0;
        void Report(string kind, long parent, string name)
        {
            if (++count <= MaxListedDifferences)
            {
                differences.Add($"{kind} {PathOf(directories, parent, name)}");
            }
        }

        await foreach (var (parent, name, value) in ReplicaRowsAsync(client, table, local.ChangeIndex, cancellationToken).ConfigureAwait(false))
        {
            if (!digests.Remove((parent, name), out var digest))
            {
                Report("extra", parent, name);
            }
            else if (digest != Digest(parent, name, value))
            {
                Report("different", parent, name);
            }
        }

        foreach (var (parent, name) in digests.Keys.Order())
        {
            Report("missing", parent, name);
        }

        return (differences, count);
    }

    /// <summary>"/a/b" when the parent is a known local directory; "parent=ID/name" otherwise; meta rows by name.</summary>
    private static string PathOf(Dictionary<long, (long Parent, string Name)> directories, long parent, string name)
    {
        if (parent == ReplicaTable.MetaParent)
        {
            return $"meta:{name}";
        }

        if (parent == NamespaceSchema.RootParentId)
        {
            return "/";
        }

        var parts = new List<string> { name };
        for (var id = parent; id != NamespaceSchema.RootInodeId; id = directories[id].Parent)
        {
            if (!directories.ContainsKey(id) || parts.Count > 4096)
            {
                return $"parent={id}/{string.Join('/', Enumerable.Reverse(parts))}";
            }

            parts.Add(directories[id].Name);
        }

        return "/" + string.Join('/', Enumerable.Reverse(parts));
    }

    private static IEnumerable<(long Parent, string Name, byte[] Value)> LocalRows(IReplicaSnapshot local)
    {
        foreach (var row in local.Rows())
        {
            if (row.Table == NamespaceSchema.DentriesTable)
            {
                var (parent, name) = NamespaceSchema.ParseDentryKey(row.Key);
                yield return (parent, name, row.Value!);
            }
            else
            {
                yield return (ReplicaTable.MetaParent, Encoding.ASCII.GetString(row.Key), row.Value!);
            }
        }
    }

    /// <summary>The replica's rows as they were at feed index <paramref name="at"/> (tombstones and rows absent then left out).</summary>
    private static async IAsyncEnumerable<(long Parent, string Name, byte[] Value)> ReplicaRowsAsync(
        TableStoreClient client, string table, long at, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Every row but the bookkeeping ones (parent -2): the meta rows (-1) and the dentries.
        var query = new RangeQuery(table, ReplicaTable.FirstKey(ReplicaTable.MetaParent), ReplicaTable.FirstKey(long.MaxValue))
        {
            Options = new ReadOptions { ColumnsToGet = ReadColumns },
        };
        await foreach (var row in client.GetRangeAsync(query, cancellationToken).ConfigureAwait(false))
        {
            byte[]? value;
            try
            {
                value = ReplicaTable.ImageAt(row, at).Value;
            }
            catch (InvalidDataException)
            {
                value = []; // a row JindoMeta did not write: it differs from whatever the namespace holds
            }

            if (value is not null)
            {
                yield return (row.PrimaryKey[0].Value.AsInteger(), row.PrimaryKey[1].Value.AsString(), value);
            }
        }
    }

    private static ulong Digest(long parent, string name, byte[] value)
    {
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        var input = new byte[8 + nameBytes + 1 + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(input, parent);
        Encoding.UTF8.GetBytes(name, input.AsSpan(8));
        value.CopyTo(input.AsSpan(8 + nameBytes + 1)); // the 0 byte between keeps ("ab", "c") apart from ("a", "bc")
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    private static string Hex(ulong sum) => sum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
