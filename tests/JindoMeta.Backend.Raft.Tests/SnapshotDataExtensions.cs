using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests;

internal static class SnapshotDataExtensions
{
    /// <summary>The whole content, for the small snapshots of test state machines.</summary>
    public static byte[] ReadAll(this SnapshotData data)
    {
        using var content = data.OpenRead();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }
}
