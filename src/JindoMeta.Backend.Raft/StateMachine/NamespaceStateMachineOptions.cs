using JindoMeta.Backend.RocksDb;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>Settings of one namespace's raft state machine on one node.</summary>
public sealed record NamespaceStateMachineOptions
{
    /// <summary>
    /// The state's own directory (not the raft log's): it holds the RocksDB store of the applied state and the
    /// pointer naming it, so that a snapshot restore can switch stores atomically.
    /// </summary>
    public required string Directory { get; init; }

    /// <summary>Storage tunings of the state's RocksDB.</summary>
    public RocksDbOptions Storage { get; init; } = new();

    /// <summary>
    /// Sync every applied entry's batch. False by default, and safe: see <see cref="NamespaceStateMachine"/>
    /// ("Durability"). True only costs an fdatasync per entry.
    /// </summary>
    public bool SyncWrites { get; init; }

    /// <summary>
    /// The retry cache's window and bounds: replicated semantics, so equal on every node (code, not configuration;
    /// tests shrink them).
    /// </summary>
    public RetryCacheLimits RetryCache { get; init; } = RetryCacheLimits.Default;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("The raft state machine needs a directory of its own.", nameof(Directory));
        }

        Storage.Validate();
        RetryCache.Validate();
    }
}
