using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Schema;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// A deterministic digest of a namespace state: SHA-256 over every row of every table of
/// <see cref="NamespaceSchema.Tables"/> (dentries, meta, change feed), in table order then key order, each row as
/// [table name][key length: 4 bytes BE][key][value length: 4 bytes BE][value]. Two nodes that applied the same log
/// prefix have equal checksums; a single differing byte anywhere (a row, the inode counter, a feed entry, the
/// applied index) changes it.
/// </summary>
/// <param name="Sha256">The digest, lowercase hex.</param>
/// <param name="Rows">How many rows it covers (for a readable comparison when digests differ).</param>
public readonly record struct StateChecksum(string Sha256, long Rows)
{
    /// <summary>Computes the checksum of <paramref name="store"/> at one consistent point (a RocksDB snapshot).</summary>
    /// <param name="store">The state.</param>
    /// <param name="includeAppliedIndex">False leaves out the applied raft index, so a state that only applied entries
    /// without effects (no-ops, failed commands) compares equal to the state before them.</param>
    public static StateChecksum Compute(NamespaceStore store, bool includeAppliedIndex = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var snapshot = store.Database.CreateSnapshot();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        long rows = 0;
        foreach (var table in NamespaceSchema.Tables)
        {
            var tableName = Encoding.ASCII.GetBytes(table);
            using var iterator = store.Database.NewIterator(store.Database.GetColumnFamily(table), snapshot: snapshot);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                if (!includeAppliedIndex && table == NamespaceSchema.MetaTable && iterator.Key.SequenceEqual(NamespaceSchema.MetaKeys.AppliedRaftIndex))
                {
                    continue;
                }

                hash.AppendData(tableName);
                BinaryPrimitives.WriteInt32BigEndian(length, iterator.Key.Length);
                hash.AppendData(length);
                hash.AppendData(iterator.Key);
                BinaryPrimitives.WriteInt32BigEndian(length, iterator.Value.Length);
                hash.AppendData(length);
                hash.AppendData(iterator.Value);
                rows++;
            }
        }

        return new StateChecksum(Convert.ToHexStringLower(hash.GetHashAndReset()), rows);
    }

    public override string ToString() => $"sha256={Sha256} rows={Rows}";
}
