using System.Diagnostics.Metrics;

namespace JindoMeta.RocksDb.Diagnostics;

/// <summary>
/// A store's RocksDB properties and statistics as observable gauges of the "JindoMeta.RocksDb" meter, read at scrape
/// time, each tagged with the store's namespace and role ("namespace", "raft-log", ...). Created only when statistics
/// are on (namespace.backend.rocksdb.statistics): that is the operator's choice to pay for them.
/// </summary>
public sealed class RocksStoreMetrics : IDisposable
{
    public const string MeterName = "JindoMeta.RocksDb";

    /// <summary>Per column family, the few properties that tell memory, disk and compaction debt.</summary>
    private static readonly (string Property, string Instrument, string Description)[] ColumnFamilyProperties =
    [
        ("rocksdb.estimate-num-keys", "estimated_keys", "Estimated keys in the column family."),
        ("rocksdb.cur-size-all-mem-tables", "memtable_bytes", "Bytes in the column family's memtables (active and immutable)."),
        ("rocksdb.live-sst-files-size", "live_sst_bytes", "Bytes of the column family's live SST files."),
        ("rocksdb.estimate-pending-compaction-bytes", "pending_compaction_bytes", "Bytes compaction has yet to rewrite to reach its target shape (write stalls grow with it)."),
        ("rocksdb.num-immutable-mem-table", "immutable_memtables", "Memtables waiting to be flushed."),
    ];

    /// <summary>Database-wide properties (read on the default column family; the block cache is shared).</summary>
    private static readonly (string Property, string Instrument, string Description)[] DatabaseProperties =
    [
        ("rocksdb.num-running-compactions", "running_compactions", "Compactions running now."),
        ("rocksdb.num-running-flushes", "running_flushes", "Memtable flushes running now."),
        ("rocksdb.block-cache-usage", "block_cache_bytes", "Bytes held in the block cache."),
        ("rocksdb.estimate-table-readers-mem", "table_readers_bytes", "Memory of open SST readers (indexes and filters outside the block cache)."),
    ];

    /// <summary>One statistics dump serves every instrument of one scrape.</summary>
    private static readonly TimeSpan StatisticsReuse = TimeSpan.FromSeconds(1);

    private readonly RocksDatabase _database;
    private readonly KeyValuePair<string, object?>[] _storeTags;
    private readonly Meter _meter = new(MeterName);
    private readonly Lock _statisticsLock = new();
    private RocksStatistics _statistics = RocksStatistics.Empty;
    private long _statisticsReadAt = -1;

    public RocksStoreMetrics(RocksDatabase database, IReadOnlyList<ColumnFamily> columnFamilies, string namespaceName, string store)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(columnFamilies);
        _database = database;
        _storeTags = [new("namespace", namespaceName), new("store", store)];
        foreach (var (property, instrument, description) in ColumnFamilyProperties)
        {
            _meter.CreateObservableGauge(instrument, () => ReadColumnFamilies(property, columnFamilies), description: description);
        }

        foreach (var (property, instrument, description) in DatabaseProperties)
        {
            _meter.CreateObservableGauge(instrument, () => Read(property), description: description);
        }

        _meter.CreateObservableCounter("ticker_total", ReadTickers,
            description: "RocksDB statistics tickers (block cache hits and misses, bytes written, WAL syncs, stalls, ...), by ticker name.");
        _meter.CreateObservableGauge("histogram", ReadHistograms,
            description: "RocksDB statistics histograms (in the unit their name gives, mostly micros) as percentiles 50, 95, 99 and 100, by histogram name.");
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ReadColumnFamilies(string property, IReadOnlyList<ColumnFamily> columnFamilies)
    {
        foreach (var columnFamily in columnFamilies)
        {
            if (TryRead(property, columnFamily) is { } value)
            {
                yield return new Measurement<long>(value, [.. _storeTags, new("column_family", columnFamily.Name)]);
            }
        }
    }

    private IEnumerable<Measurement<long>> Read(string property)
    {
        if (TryRead(property, null) is { } value)
        {
            yield return new Measurement<long>(value, _storeTags);
        }
    }

    /// <summary>Null for a closed store (a scrape may race shutdown) or a property this RocksDB does not know.</summary>
    private long? TryRead(string property, ColumnFamily? columnFamily)
    {
        try
        {
            return _database.GetPropertyInt(property, columnFamily) is { } value ? (long)Math.Min(value, long.MaxValue) : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private IEnumerable<Measurement<long>> ReadTickers()
    {
        foreach (var (ticker, count) in Statistics().Tickers)
        {
            yield return new Measurement<long>(count, [.. _storeTags, new("ticker", ticker)]);
        }
    }

    private IEnumerable<Measurement<double>> ReadHistograms()
    {
        foreach (var (name, histogram) in Statistics().Histograms)
        {
            yield return Percentile(name, "50", histogram.P50);
            yield return Percentile(name, "95", histogram.P95);
            yield return Percentile(name, "99", histogram.P99);
            yield return Percentile(name, "100", histogram.Max);
        }
    }

    /// <summary>"percentile", not "quantile": Prometheus keeps that label for summaries, and these are gauges.</summary>
    private Measurement<double> Percentile(string histogram, string percentile, double value) =>
        new(value, [.. _storeTags, new("name", histogram), new("percentile", percentile)]);

    private RocksStatistics Statistics()
    {
        lock (_statisticsLock)
        {
            var now = Environment.TickCount64;
            if (_statisticsReadAt < 0 || now - _statisticsReadAt >= StatisticsReuse.TotalMilliseconds)
            {
                try
                {
                    _statistics = RocksStatistics.Parse(_database.GetStatistics());
                }
                catch (ObjectDisposedException)
                {
                    _statistics = RocksStatistics.Empty;
                }

                _statisticsReadAt = now;
            }

            return _statistics;
        }
    }
}
