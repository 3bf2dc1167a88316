namespace JindoMeta.Replication;

/// <summary>A replica row's content at one feed index: its value (null: no row then) and the index it was written at.</summary>
/// <param name="Torn">The row was written past that index by a run that never completed; this is its before-image.</param>
/// <param name="Ahead">
/// The row was written past that index with no before-image: by an initial snapshot taken after the checkpoint it
/// started from, while the feed catches up to it (the checkpoint row's <c>consistentFrom</c>); this is its newer value.
/// </param>
public sealed record ReplicaImage(byte[]? Value, long Index, bool Torn, bool Ahead = false);
