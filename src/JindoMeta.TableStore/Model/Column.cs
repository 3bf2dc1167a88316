namespace JindoMeta.TableStore;

/// <summary>An attribute cell: name, value and (on reads, always) its version timestamp in epoch milliseconds.</summary>
public readonly record struct Column(string Name, ColumnValue Value, long? Timestamp = null);
