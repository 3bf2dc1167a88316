using System.Diagnostics.Metrics;
using JindoMeta.RocksDb.Diagnostics;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// What the group-commit writer measures, on the "JindoMeta.RocksDb" meter, tagged with the namespace: commands per
/// group, and the time of each group's synced write (WAL append plus fdatasync, which is almost all of it). With
/// statistics on, the store's RocksDB properties and statistics too (<see cref="RocksStoreMetrics"/>).
/// </summary>
/// <remarks>
/// Recorded on the flusher thread once per group, not per command; with no listener (metrics off) a record is one
/// enabled check.
/// </remarks>
internal sealed class GroupCommitMetrics : IDisposable
{
    /// <summary>1 to 65,536 commands (the max-batch-commands range), doubling.</summary>
    private static readonly int[] GroupSizeBuckets = [.. Enumerable.Range(0, 17).Select(i => 1 << i)];

    /// <summary>25 µs to ~3 s, doubling: fdatasync is 0.25-0.5 ms on this machine's disk, tens of ms on a busy one.</summary>
    private static readonly double[] SyncBuckets = [.. Enumerable.Range(0, 18).Select(i => 0.000025 * Math.Pow(2, i))];

    private readonly Meter _meter = new(RocksStoreMetrics.MeterName);
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<double> _syncDuration;
    private readonly KeyValuePair<string, object?> _namespaceTag;
    private readonly RocksStoreMetrics? _store;

    public GroupCommitMetrics(NamespaceStore store, RocksDbBackendOptions options)
    {
        _namespaceTag = new("namespace", options.NamespaceName);
        _groupSize = _meter.CreateHistogram("group_commit_commands", unit: "{command}",
            description: "Commands per group commit (one synced WriteBatch answers them all), by namespace.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = GroupSizeBuckets });
        _syncDuration = _meter.CreateHistogram("group_commit_sync_seconds", unit: "s",
            description: "The synced write of one group commit: WAL append plus fdatasync, by namespace (only with sync-writes on).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SyncBuckets });
        if (options.Storage.EnableStatistics)
        {
            _store = new RocksStoreMetrics(store.Database, [store.Dentries, store.Meta, store.Changes, store.Retries], options.NamespaceName, "namespace");
        }
    }

    public void GroupCommitted(int commands) => _groupSize.Record(commands, _namespaceTag);

    public void SyncedWrite(TimeSpan elapsed) => _syncDuration.Record(elapsed.TotalSeconds, _namespaceTag);

    public void Dispose()
    {
        _store?.Dispose();
        _meter.Dispose();
    }
}
