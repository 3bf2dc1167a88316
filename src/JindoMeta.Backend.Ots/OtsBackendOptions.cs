using JindoMeta.TableStore;

namespace JindoMeta.Backend.Ots;

/// <summary>How one namespace of the ots backend reaches its table and holds its lease.</summary>
public sealed record OtsBackendOptions
{
    public required TableStoreOptions TableStore { get; init; }

    /// <summary>The namespace (jfs://NAME/); its table is <see cref="OtsTable.TableName"/>.</summary>
    public required string NamespaceName { get; init; }

    /// <summary>This server's client address (host:port), written into the lease so a standby can name the active.</summary>
    public required string Holder { get; init; }

    /// <summary>
    /// Active/standby (<c>namespace.backend.ots.ha</c>): a server that finds a live active waits as its standby. Without
    /// it, a second server on a table that another serves refuses to start.
    /// </summary>
    public bool HighAvailability { get; init; }

    /// <summary>A standby takes over when the lease row has not moved for this long (<c>namespace.backend.ots.lease-ms</c>).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Rows the active keeps in memory at most (<c>namespace.backend.ots.cache-entries</c>).</summary>
    public int CacheEntries { get; init; } = 1_000_000;

    /// <summary>Commands committed in one Tablestore write at most.</summary>
    public int MaxCommandsPerCommit { get; init; } = 512;

    /// <summary>Committed entries not yet written to their rows before new commands wait (the lease row holds them).</summary>
    public int MaxUnappliedEntries { get; init; } = 256;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(NamespaceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(Holder);
        if (LeaseDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new ArgumentException($"The ots lease must last at least 500 ms, got {LeaseDuration.TotalMilliseconds} ms");
        }

        if (CacheEntries < 1024)
        {
            throw new ArgumentException($"The ots cache must hold at least 1024 entries, got {CacheEntries}");
        }
    }
}
