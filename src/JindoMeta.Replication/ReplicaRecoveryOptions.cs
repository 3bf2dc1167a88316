namespace JindoMeta.Replication;

/// <summary>How one namespace is recovered from its replica table.</summary>
public sealed record ReplicaRecoveryOptions
{
    public required string Namespace { get; init; }

    /// <summary>Default <see cref="ReplicaTable.TableName"/> of the namespace.</summary>
    public string? Table { get; init; }

    /// <summary>GetRange calls in flight at once (each reads its own key range).</summary>
    public int Readers { get; init; } = 4;

    /// <summary>Ranges the parent-id space is cut into at the start; an idle reader splits the widest active one further.</summary>
    public int InitialRanges { get; init; } = 16;

    /// <summary>Rows asked for per GetRange call; null: as many as the service gives (5000, or 4 MB).</summary>
    public int? PageRows { get; init; }

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Strings that must never appear in a status or log line (the access secret, the STS token).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public string TableName => Table ?? ReplicaTable.TableName(Namespace);
}
