namespace JindoMeta.TableStore;

/// <summary>Result of a single-row call: the row (absent when not found or not requested) and the capacity used.</summary>
public sealed record RowResult(Row? Row, ConsumedCapacity Consumed);
