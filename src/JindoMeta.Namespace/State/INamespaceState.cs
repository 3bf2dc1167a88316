using JindoMeta.Namespace.Model;

namespace JindoMeta.Namespace.State;

/// <summary>
/// The read side of namespace state that <see cref="Engine.NamespaceEngine"/> works on. The root directory is
/// the entry (<see cref="Schema.NamespaceSchema.RootParentId"/>, ""). Implementations: RocksDB, the overlay of
/// a command or batch in flight, Tablestore.
/// </summary>
public interface INamespaceState
{
    /// <summary>The entry named <paramref name="name"/> in directory <paramref name="parentId"/>, or null.</summary>
    InodeRecord? Get(long parentId, string name);

    /// <summary>
    /// Children of <paramref name="parentId"/> in UTF-8 byte order of their names, starting strictly after
    /// <paramref name="startAfter"/> (null: from the first). Lazy: callers stop early for paging, so a huge
    /// directory is never loaded at once. Dispose the enumerator (foreach does).
    /// </summary>
    IEnumerable<KeyValuePair<string, InodeRecord>> ListChildren(long parentId, string? startAfter);

    /// <summary>The id the next new inode gets.</summary>
    long NextInodeId { get; }
}
