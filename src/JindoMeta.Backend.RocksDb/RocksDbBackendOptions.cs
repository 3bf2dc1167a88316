using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>Settings of the embedded rocksdb backend (config keys namespace.backend.rocksdb.*).</summary>
public sealed record RocksDbBackendOptions
{
    /// <summary>The RocksDB directory of this namespace; created on first start.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The namespace served, as the metrics' namespace label.</summary>
    public string NamespaceName { get; init; } = "";

    /// <summary>Storage tunings (write buffer, block cache, bloom filter, WAL limits, compression, statistics).</summary>
    public RocksDbOptions Storage { get; init; } = new();

    /// <summary>
    /// Most commands committed by one synced write. One fdatasync costs 0.25-0.5 ms here, so batching is where
    /// throughput comes from; 256 keeps a batch's latency near 1 ms (see shared/reference/rocksdb-c-api.md §5.1).
    /// </summary>
    public int MaxCommandsPerBatch { get; init; } = 256;

    /// <summary>Commands waiting for the writer; submitters wait (back-pressure) when it is full.</summary>
    public int QueueCapacity { get; init; } = 16_384;

    /// <summary>
    /// Sync every batch to disk before answering (default). False survives a process crash but not a machine
    /// crash; for benchmarks and throwaway clusters only.
    /// </summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>
    /// Recovery mode: every write is refused with error 25021 while the store is rebuilt from its replica
    /// (<see cref="Namespace.Backend.IRecoveryTarget"/>) and until the daemon restarts with it off. A store that holds
    /// metadata of its own is refused at open.
    /// </summary>
    public bool RecoveryMode { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("The rocksdb backend needs a data directory.", nameof(DataDirectory));
        }

        if (MaxCommandsPerBatch is < 1 or > 65_536)
        {
            throw new ArgumentException($"MaxCommandsPerBatch must be within [1, 65536], got {MaxCommandsPerBatch}.", nameof(MaxCommandsPerBatch));
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"QueueCapacity must be positive, got {QueueCapacity}.", nameof(QueueCapacity));
        }

        Storage.Validate();
    }
}
