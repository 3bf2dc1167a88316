using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Processes;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Rpc;

/// <summary>
/// What metrics cost: two daemons of the same build in the same run, one with namespace.metrics.enabled=true (and
/// scraped every 5 s, three times Prometheus's usual rate), one with it false, loaded one at a time with the same
/// calls (getFileInfo depth 4, durable create). The rows alternate off/on for --rounds rounds so that drift of the
/// machine falls on both; the ratio is on/off of the summed rates (goal: at least 0.95).
/// </summary>
public static class MetricsOverheadBenchmark
{
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(BenchSettings settings, int rounds)
    {
        using var directory = new WorkDirectory(settings.WorkDirectory);
        using var off = await JindoMetaDaemon.StartAsync(Path.Combine(directory.Path, "off"), "127.0.0.1", 0, ["-D", "namespace.metrics.enabled=false"]);
        using var on = await JindoMetaDaemon.StartAsync(Path.Combine(directory.Path, "on"), "127.0.0.1", 0, []);
        var metricsUrl = on.MetricsUrl ?? throw new InvalidOperationException("the metrics daemon printed no metrics line");
        Console.WriteLine($"# metrics overhead: off pid {off.Process.Id} on {off.Address}, on pid {on.Process.Id} on {on.Address} ({metricsUrl}), " +
            $"{settings.Connections} connections, {settings.Duration.TotalSeconds:N0}s per row, {rounds} rounds");
        var targets = new[] { await Target.OpenAsync("off", off, settings.Connections), await Target.OpenAsync("on", on, settings.Connections) };
        using var http = new HttpClient();
        var rows = new List<Measurement>();
        long scrapes = 0;
        long scrapeBytes = 0;
        Console.WriteLine(Measurement.Header);
        foreach (var callers in settings.Callers)
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
                {
                    using var scraping = new CancellationTokenSource();
                    var scraper = target.Name == "on" ? ScrapeAsync(http, metricsUrl, scraping.Token) : Task.FromResult((0L, 0L));
                    var cpu = target.Daemon.CpuTime;
                    var getFileInfo = await Runner.RunAsync($"metrics {target.Name}: getFileInfo", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await target.Client(caller).GetFileInfoAsync(
                            new() { Path = target.Paths[(int)((sequence * 7919 + caller) % target.Paths.Length)] }, Target.Options()), cpu);
                    var create = await Runner.RunAsync($"metrics {target.Name}: create (durable)", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await target.Client(caller).CreateAsync(
                            new() { Path = $"/bench/r{round}/n{callers}/c{caller}/f{sequence}", CreateParent = true }, Target.Options()), cpu);
                    await scraping.CancelAsync();
                    var (count, bytes) = await scraper;
                    (scrapes, scrapeBytes) = (scrapes + count, scrapeBytes + bytes);
                    foreach (var row in new[] { getFileInfo, create })
                    {
                        rows.Add(row);
                        Console.WriteLine(row);
                    }
                }
            }
        }

        var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var callers in settings.Callers)
        {
            var c = callers.ToString(CultureInfo.InvariantCulture);
            double Sum(string name) => rows.Where(r => r.Name == name && r.Callers == callers).Sum(r => r.OpsPerSecond);
            ratios[$"getFileInfo@{c} metrics on / off"] = Sum("metrics on: getFileInfo") / Sum("metrics off: getFileInfo");
            ratios[$"create@{c} metrics on / off"] = Sum("metrics on: create (durable)") / Sum("metrics off: create (durable)");
        }

        Console.WriteLine();
        Console.WriteLine($"# {scrapes} scrapes during the 'on' rows, {(scrapes == 0 ? 0 : scrapeBytes / scrapes):N0} bytes each");
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {value,6:N3}x"));
        }

        Console.WriteLine(Runner.Json("metrics", rows, ratios));
        foreach (var target in targets)
        {
            target.Dispose();
        }

        return 0;
    }

    private static async Task<(long Count, long Bytes)> ScrapeAsync(HttpClient http, string url, CancellationToken stop)
    {
        long count = 0;
        long bytes = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var body = await http.GetStringAsync(new Uri(url), stop).ConfigureAwait(false);
                (count, bytes) = (count + 1, bytes + body.Length);
                await Task.Delay(ScrapeInterval, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the rows are done
        }

        return (count, bytes);
    }

    /// <summary>One daemon with its channels and the 10,000 files of depth 4 that getFileInfo reads.</summary>
    private sealed class Target : IDisposable
    {
        private static readonly Metadata Headers = new() { { "x-jindo-user", "root" } };
        private readonly GrpcChannel[] _channels;
        private readonly Proto.NamespaceService.NamespaceServiceClient[] _clients;

        private Target(string name, JindoMetaDaemon daemon, GrpcChannel[] channels, string[] paths)
        {
            Name = name;
            Daemon = daemon;
            _channels = channels;
            _clients = [.. channels.Select(c => new Proto.NamespaceService.NamespaceServiceClient(c))];
            Paths = paths;
        }

        public string Name { get; }

        public JindoMetaDaemon Daemon { get; }

        public string[] Paths { get; }

        public static CallOptions Options() => new(Headers, DateTime.UtcNow.AddSeconds(30));

        public Proto.NamespaceService.NamespaceServiceClient Client(int caller) => _clients[caller % _clients.Length];

        public static async Task<Target> OpenAsync(string name, JindoMetaDaemon daemon, int connections)
        {
            var channels = Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress($"http://{daemon.Address}")).ToArray();
            var client = new Proto.NamespaceService.NamespaceServiceClient(channels[0]);
            var paths = new List<string>();
            for (var a = 0; a < 100; a++)
            {
                var batch = new List<Task>();
                for (var f = 0; f < 100; f++)
                {
                    var path = $"/a{a / 10}/b{a % 10}/c{f / 10}/f{f % 10}";
                    paths.Add(path);
                    batch.Add(client.CreateAsync(new() { Path = path, CreateParent = true }, Options()).ResponseAsync);
                }

                await Task.WhenAll(batch);
            }

            return new Target(name, daemon, channels, [.. paths]);
        }

        public void Dispose()
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }
        }
    }
}
