using System.Text;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// Namespace state read straight from RocksDB, at a snapshot when one is given (so a multi-row read sees one
/// committed state) or at the latest committed state otherwise.
/// </summary>
/// <remarks>Public for the raft backend's state machine, which runs the engine over the same store layout.</remarks>
public sealed class RocksDbNamespaceState(NamespaceStore store, RocksSnapshot? snapshot = null) : INamespaceState
{
    public long NextInodeId => store.ReadInt64(NamespaceSchema.MetaKeys.NextInodeId, snapshot)
        ?? throw new InvalidDataException($"The store at {store.Path} has no next-inode-id: it is damaged.");

    public InodeRecord? Get(long parentId, string name)
    {
        Span<byte> key = stackalloc byte[NamespaceSchema.DentryKeyPrefixLength + Encoding.UTF8.GetMaxByteCount(name.Length)];
        var length = NamespaceSchema.WriteDentryKey(key, parentId, name);
        using var value = store.Database.GetPinned(store.Dentries, key[..length], snapshot);
        return value.Found ? Decode(value.Value, parentId, name) : null;
    }

    public IEnumerable<KeyValuePair<string, InodeRecord>> ListChildren(long parentId, string? startAfter)
    {
        var prefix = new byte[NamespaceSchema.DentryKeyPrefixLength];
        NamespaceSchema.WriteDentryPrefix(prefix, parentId);
        using var iterator = store.Database.NewPrefixIterator(store.Dentries, prefix, snapshot);
        if (startAfter is null)
        {
            iterator.SeekToFirst();
        }
        else
        {
            var from = NamespaceSchema.DentryKey(parentId, startAfter);
            iterator.Seek(from);
            if (iterator.Valid && iterator.Key.SequenceEqual(from))
            {
                iterator.Next();
            }
        }

        while (iterator.Valid)
        {
            var name = Encoding.UTF8.GetString(iterator.Key[NamespaceSchema.DentryKeyPrefixLength..]);
            var record = Decode(iterator.Value, parentId, name);
            yield return new(name, record);
            iterator.Next();
        }
    }

    private InodeRecord Decode(ReadOnlySpan<byte> value, long parentId, string name)
    {
        try
        {
            return InodeRecordCodec.Decode(value);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The dentry ({parentId}, \"{name}\") in {store.Path} is damaged: {e.Message}", e);
        }
    }
}
