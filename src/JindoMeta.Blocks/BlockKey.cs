using System.Globalization;

namespace JindoMeta.Blocks;

/// <summary>
/// Where a block lives: <c>NAMESPACE/FILEID/BLOCKID</c> (ids as 16 hex digits). The file id in the name lets the
/// reclaimer tell an unfinished write's blocks (its file is still under construction) from garbage without any
/// other record; a recovered cluster has the same ids, so it reads the same objects.
/// </summary>
public readonly record struct BlockKey(string Namespace, long FileId, long BlockId)
{
    public string ObjectName => $"{Namespace}/{FileId:x16}/{BlockId:x16}";

    /// <summary>The key of an object name under <paramref name="namespaceName"/>, or null for anything else (not ours).</summary>
    public static BlockKey? TryParse(string namespaceName, string objectName)
    {
        var prefix = namespaceName + "/";
        if (!objectName.StartsWith(prefix, StringComparison.Ordinal) || objectName.Length != prefix.Length + 33 || objectName[prefix.Length + 16] != '/')
        {
            return null;
        }

        return long.TryParse(objectName.AsSpan(prefix.Length, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var fileId) &&
            long.TryParse(objectName.AsSpan(prefix.Length + 17, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var blockId)
            ? new BlockKey(namespaceName, fileId, blockId)
            : null;
    }

    public override string ToString() => ObjectName;
}
