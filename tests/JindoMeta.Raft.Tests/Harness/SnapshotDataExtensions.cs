namespace JindoMeta.Raft.Tests;

internal static class SnapshotDataExtensions
{
    /// <summary>The whole content, for assertions on the small snapshots of the core's tests.</summary>
    public static byte[] ToArray(this SnapshotData data)
    {
        using var content = data.OpenRead();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }
}
