using System.Globalization;
using System.Text.Json;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// One scrape of a daemon's /metrics, fetched and parsed by Debian's python3-prometheus-client
/// (python/scrape_metrics.py): what a real Prometheus text parser makes of it, not what we think we wrote.
/// </summary>
public sealed class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples;

    private MetricsScrape(IReadOnlyDictionary<string, string> families, List<(string, Dictionary<string, string>, double)> samples, string contentType)
    {
        Families = families;
        _samples = samples;
        ContentType = contentType;
    }

    /// <summary>Family name → type, as the parser saw them ("counter" families lose their _total suffix there).</summary>
    public IReadOnlyDictionary<string, string> Families { get; }

    public string ContentType { get; }

    public static async Task<MetricsScrape> TakeAsync(string url)
    {
        var lines = await PeerScript.RunPythonAsync("scrape_metrics.py", url);
        var root = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        var families = root.GetProperty("families").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!, StringComparer.Ordinal);
        var samples = root.GetProperty("samples").EnumerateArray().Select(s =>
        (
            s[0].GetString()!,
            s[1].EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!, StringComparer.Ordinal),
            s[2].ValueKind == JsonValueKind.Number ? s[2].GetDouble() : double.Parse(s[2].GetString()!, CultureInfo.InvariantCulture)
        )).ToList();
        return new MetricsScrape(families, samples, root.GetProperty("contentType").GetString() ?? "");
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include every given one.</summary>
    public IReadOnlyList<(Dictionary<string, string> Labels, double Value)> Samples(string name, params (string Label, string Value)[] labels) =>
        [.. _samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Select(s => (s.Labels, s.Value))];

    /// <summary>The sum of those samples; 0 when there is none yet (a series appears with its first event).</summary>
    public double Value(string name, params (string Label, string Value)[] labels) => Samples(name, labels).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);
}
