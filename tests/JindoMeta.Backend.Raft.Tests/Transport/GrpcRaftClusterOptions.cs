namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>How a <see cref="GrpcRaftCluster"/>'s drivers snapshot and compact (the driver's and core's defaults unless set).</summary>
internal sealed class GrpcRaftClusterOptions
{
    public ulong SnapshotEveryEntries { get; init; } = 10_000;

    public ulong CompactionMargin { get; init; } = 1_000;

    public int MaxSnapshotChunkBytes { get; init; } = 1 << 20;
}
