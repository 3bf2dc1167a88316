namespace JindoMeta.Raft;

/// <summary>The kind of a log entry. Only <see cref="Normal"/> is produced today; the value space leaves room
/// for single-server membership changes without a format change.</summary>
public enum EntryType : byte
{
    Normal = 0,
    ConfigurationChange = 1,
}

/// <summary>One raft log entry: its position (<see cref="Index"/>), the term of the leader that created it, and an
/// opaque payload. A value type so that log slices do not allocate one object per entry.</summary>
/// <remarks>The payload array is owned by the log once proposed: callers must not mutate it afterwards.</remarks>
public readonly record struct Entry(ulong Index, ulong Term, byte[] Data, EntryType Type = EntryType.Normal)
{
    /// <summary>Fixed per-entry overhead counted against byte limits (index, term, type, length prefix).</summary>
    public const int OverheadBytes = 24;

    /// <summary>The size this entry counts for in message and apply batch limits.</summary>
    public ulong SizeBytes => (ulong)(OverheadBytes + (Data?.Length ?? 0));
}
