using System.Diagnostics.Metrics;

namespace JindoMeta.Backend.Raft.Diagnostics;

/// <summary>
/// The raft log's synced appends (entries and hard state in one WriteBatch, WAL append plus fdatasync), for the whole
/// node: the log stores of its namespaces share the disk, and a slow disk shows on all of them alike.
/// </summary>
internal static class RaftLogMetrics
{
    /// <summary>25 µs to ~3 s, doubling, as the rocksdb backend's group commit sync.</summary>
    private static readonly double[] SyncBuckets = [.. Enumerable.Range(0, 18).Select(i => 0.000025 * Math.Pow(2, i))];

    private static readonly Meter Meter = new(RaftMetrics.MeterName);

    private static readonly Histogram<double> SyncDuration = Meter.CreateHistogram("log_sync_seconds", unit: "s",
        description: "One synced append to the raft log (WAL append plus fdatasync), all namespaces of the node.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SyncBuckets });

    public static void SyncedAppend(TimeSpan elapsed) => SyncDuration.Record(elapsed.TotalSeconds);
}
