using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

/// <summary>
/// A path walked component by component: the inode of each prefix that exists. Inodes[0] is the root,
/// Inodes[i] the inode of Components[i-1]; the walk stops at the first missing name or at a file that has
/// components after it.
/// </summary>
internal sealed class ResolvedPath
{
    private ResolvedPath(string path, string[] components, InodeRecord?[] inodes, int blockedByFileAt)
    {
        Path = path;
        Components = components;
        Inodes = inodes;
        BlockedByFileAt = blockedByFileAt;
    }

    public string Path { get; }
    public string[] Components { get; }
    public InodeRecord?[] Inodes { get; }

    /// <summary>Index into <see cref="Inodes"/> of a file that is not the last component, or -1.</summary>
    public int BlockedByFileAt { get; }

    public int Depth => Components.Length;
    public bool IsRoot => Components.Length == 0;
    public InodeRecord? Last => Inodes[^1];
    public string Name => IsRoot ? "" : Components[^1];

    /// <summary>The parent directory's inode when it exists (null for the root or a missing parent).</summary>
    public InodeRecord? Parent => IsRoot ? null : Inodes[^2];

    /// <summary>Index of the deepest inode that exists.</summary>
    public int LastExistingIndex
    {
        get
        {
            var i = 0;
            while (i + 1 < Inodes.Length && Inodes[i + 1] is not null)
            {
                i++;
            }

            return i;
        }
    }

    /// <summary>The path of the prefix ending at Inodes[index].</summary>
    public string PrefixPath(int index) => index == 0 ? "/" : "/" + string.Join('/', Components, 0, index);

    /// <summary>The dentry key (parent id, name) of Inodes[index].</summary>
    public (long ParentId, string Name) KeyOf(int index) =>
        index == 0 ? (NamespaceSchema.RootParentId, NamespaceSchema.RootName) : (Inodes[index - 1]!.Id, Components[index - 1]);

    public static ResolvedPath Walk(INamespaceState state, string path, string[] components)
    {
        var inodes = new InodeRecord?[components.Length + 1];
        inodes[0] = state.Get(NamespaceSchema.RootParentId, NamespaceSchema.RootName)
            ?? throw new InvalidOperationException("The namespace has no root entry: the store was never formatted or is damaged.");
        var blockedAt = -1;
        for (var i = 0; i < components.Length; i++)
        {
            var parent = inodes[i]!;
            if (!parent.IsDirectory)
            {
                blockedAt = i;
                break;
            }

            var child = state.Get(parent.Id, components[i]);
            if (child is null)
            {
                break;
            }

            inodes[i + 1] = child;
        }

        return new ResolvedPath(path, components, inodes, blockedAt);
    }
}
