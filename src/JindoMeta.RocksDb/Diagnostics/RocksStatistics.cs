using System.Globalization;

namespace JindoMeta.RocksDb.Diagnostics;

/// <summary>
/// RocksDB's statistics dump (<see cref="RocksDatabase.GetStatistics"/>) as numbers: tickers ("rocksdb.block.cache.miss
/// COUNT : 12") and histograms ("rocksdb.db.get.micros P50 : 1.5 P95 : ... P99 : ... COUNT : 8 SUM : 20").
/// </summary>
/// <remarks>
/// Parsed by name rather than read by ticker number (rocksdb_options_statistics_get_ticker_count): the numbers of the
/// ticker enum change between RocksDB releases, the names do not.
/// </remarks>
public sealed record RocksStatistics(IReadOnlyDictionary<string, long> Tickers, IReadOnlyDictionary<string, RocksHistogram> Histograms)
{
    public static readonly RocksStatistics Empty = new(new Dictionary<string, long>(), new Dictionary<string, RocksHistogram>());

    public static RocksStatistics Parse(string? dump)
    {
        if (string.IsNullOrEmpty(dump))
        {
            return Empty;
        }

        var tickers = new Dictionary<string, long>(StringComparer.Ordinal);
        var histograms = new Dictionary<string, RocksHistogram>(StringComparer.Ordinal);
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 4 && words[1] == "COUNT" && words[2] == ":" && long.TryParse(words[3], CultureInfo.InvariantCulture, out var count))
            {
                tickers[words[0]] = count;
            }
            else if (words.Length > 4 && Fields(words) is { } fields && fields.TryGetValue("COUNT", out var samples))
            {
                histograms[words[0]] = new RocksHistogram(
                    fields.GetValueOrDefault("P50"), fields.GetValueOrDefault("P95"), fields.GetValueOrDefault("P99"),
                    fields.GetValueOrDefault("P100"), (long)samples, fields.GetValueOrDefault("SUM"));
            }
        }

        return new RocksStatistics(tickers, histograms);
    }

    /// <summary>"NAME K1 : V1 K2 : V2 ..." as K → V; null when the line is not in that shape.</summary>
    private static Dictionary<string, double>? Fields(string[] words)
    {
        if ((words.Length - 1) % 3 != 0)
        {
            return null;
        }

        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 1; i < words.Length; i += 3)
        {
            if (words[i + 1] != ":" || !double.TryParse(words[i + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            fields[words[i]] = value;
        }

        return fields;
    }
}

/// <summary>One RocksDB statistics histogram, in its own unit (the name says which: .micros, .bytes, ...).</summary>
public sealed record RocksHistogram(double P50, double P95, double P99, double Max, long Count, double Sum);
