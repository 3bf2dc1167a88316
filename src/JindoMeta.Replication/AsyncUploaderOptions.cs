namespace JindoMeta.Replication;

/// <summary>How one namespace's uploader runs.</summary>
public sealed record AsyncUploaderOptions
{
    public required string Namespace { get; init; }

    /// <summary>Default <see cref="ReplicaTable.TableName"/> of the namespace.</summary>
    public string? Table { get; init; }

    /// <summary>Most feed entries coalesced into one run (one checkpoint advance).</summary>
    public int MaxEntriesPerRun { get; init; } = 4096;

    /// <summary>BatchWriteRow calls of one run in flight at once (the rows of a run are distinct, so order does not matter).</summary>
    public int ParallelBatches { get; init; } = 4;

    /// <summary>How often an idle uploader looks for new entries (a check of an in-memory counter).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>First wait after a Tablestore failure; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The feed is trimmed behind the checkpoint once this many uploaded entries are kept (or a second passed).</summary>
    public long TrimEveryEntries { get; init; } = 10_000;

    /// <summary>
    /// How long a deleted row stays in the table as a tombstone after its run is committed: longer than any request of
    /// this uploader can stay in flight, so none can land after it and bring the row back.
    /// </summary>
    public TimeSpan TombstoneGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Strings that must never appear in a status or log line (the access secret, the STS token).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public string TableName => Table ?? ReplicaTable.TableName(Namespace);
}
