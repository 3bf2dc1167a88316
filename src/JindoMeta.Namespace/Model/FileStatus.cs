namespace JindoMeta.Namespace.Model;

/// <summary>What getFileInfo and listStatus report for one path (HDFS's FileStatus).</summary>
/// <param name="Path">The absolute path of the entry.</param>
/// <param name="Record">The stored inode record.</param>
public sealed record FileStatus(string Path, InodeRecord Record)
{
    public string Name => Path.Length == 1 ? "" : Path[(Path.LastIndexOf('/') + 1)..];
}
