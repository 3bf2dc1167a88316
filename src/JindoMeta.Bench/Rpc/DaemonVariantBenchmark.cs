using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Processes;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Rpc;

/// <summary>
/// What a daemon setting costs: daemons of the same build in the same run, one per variant (the first is the
/// baseline), loaded one at a time with the same calls (getFileInfo depth 4, durable create). The rows rotate through
/// the variants for --rounds rounds so that drift of the machine falls on all; each ratio is variant/baseline of the
/// summed rates. Suites: metrics (off vs on, scraped every 5 s, three times Prometheus's usual rate; goal 0.95) and
/// security (simple vs TLS with client certificates, goal 0.8; audit log off vs on, goal 0.9) and audit (only the
/// audit log off vs on, goal 0.9, with more rounds for a tighter figure).
/// </summary>
public static class DaemonVariantBenchmark
{
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    /// <summary>One daemon configuration. <paramref name="Tls"/>: it serves TLS with client certificates; <paramref name="Scrape"/>: its metrics are scraped meanwhile.</summary>
    private sealed record Variant(string Name, string[] Arguments, bool Tls = false, bool Scrape = false);

    public static Task<int> RunMetricsAsync(BenchSettings settings) => RunAsync(settings, "metrics", rounds: 4, _ =>
    [
        new Variant("metrics off", ["-D", "namespace.metrics.enabled=false"]),
        new Variant("metrics on", [], Scrape: true),
    ]);

    public static Task<int> RunAuditAsync(BenchSettings settings) => RunAsync(settings, "audit", rounds: 4, directory =>
    [
        new Variant("audit off", []),
        AuditOn(directory),
    ]);

    public static Task<int> RunSecurityAsync(BenchSettings settings) => RunAsync(settings, "security", rounds: 2, directory =>
    {
        var pki = BenchCertificates.Create(Path.Combine(directory, "pki"));
        return
        [
            new Variant("simple", []),
            new Variant("tls", ["-D", "namespace.security.authentication=tls", "-D", $"namespace.security.tls.cert-file={pki.ServerCertificate}",
                "-D", $"namespace.security.tls.key-file={pki.ServerKey}", "-D", $"namespace.security.tls.ca-file={pki.CaFile}"], Tls: true),
            AuditOn(directory),
        ];
    });

    private static Variant AuditOn(string directory) =>
        new("audit on", ["-D", "namespace.audit.enabled=true", "-D", $"namespace.audit.file={Path.Combine(directory, "audit", "hdfs-audit.log")}"]);

    private static async Task<int> RunAsync(BenchSettings settings, string suite, int rounds, Func<string, Variant[]> variantsIn)
    {
        using var directory = new WorkDirectory(settings.WorkDirectory);
        var variants = variantsIn(directory.Path);
        var pki = variants.Any(v => v.Tls) ? BenchCertificates.Load(Path.Combine(directory.Path, "pki")) : null;
        var targets = new List<Target>();
        try
        {
            return await MeasureAsync(settings, suite, rounds, variants, pki, directory.Path, targets);
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
                target.Daemon.Dispose();
            }
        }
    }

    private static async Task<int> MeasureAsync(
        BenchSettings settings, string suite, int rounds, Variant[] variants, BenchCertificates? pki, string directory, List<Target> targets)
    {
        foreach (var variant in variants)
        {
            var daemon = await JindoMetaDaemon.StartAsync(Path.Combine(directory, variant.Name.Replace(' ', '-')), "127.0.0.1", 0, variant.Arguments);
            targets.Add(await Target.OpenAsync(variant, daemon, settings.Connections, variant.Tls ? pki : null));
            Console.WriteLine($"# {suite}: '{variant.Name}' pid {daemon.Process.Id} on {daemon.Address}");
        }

        Console.WriteLine($"# {settings.Connections} connections, {settings.Duration.TotalSeconds:N0}s per row, {rounds} rounds");
        using var http = new HttpClient();
        var rows = new List<Measurement>();
        long scrapes = 0;
        long scrapeBytes = 0;
        Console.WriteLine(Measurement.Header);
        foreach (var callers in settings.Callers)
        {
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < targets.Count; i++)
                {
                    var target = targets[(i + round) % targets.Count];
                    using var scraping = new CancellationTokenSource();
                    var scraper = target.Variant.Scrape && target.Daemon.MetricsUrl is { } url ? ScrapeAsync(http, url, scraping.Token) : Task.FromResult((0L, 0L));
                    var cpu = target.Daemon.CpuTime;
                    var name = target.Variant.Name;
                    var getFileInfo = await Runner.RunAsync($"{name}: getFileInfo", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await target.Client(caller).GetFileInfoAsync(
                            new() { Path = target.Paths[(int)((sequence * 7919 + caller) % target.Paths.Length)] }, target.Options()), cpu);
                    var create = await Runner.RunAsync($"{name}: create (durable)", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await target.Client(caller).CreateAsync(
                            new() { Path = $"/bench/r{round}/n{callers}/c{caller}/f{sequence}", CreateParent = true }, target.Options()), cpu);
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
        var baseline = variants[0].Name;
        foreach (var callers in settings.Callers)
        {
            var c = callers.ToString(CultureInfo.InvariantCulture);
            double Sum(string name) => rows.Where(r => r.Name == name && r.Callers == callers).Sum(r => r.OpsPerSecond);
            foreach (var variant in variants.Skip(1))
            {
                ratios[$"getFileInfo@{c} {variant.Name} / {baseline}"] = Sum($"{variant.Name}: getFileInfo") / Sum($"{baseline}: getFileInfo");
                ratios[$"create@{c} {variant.Name} / {baseline}"] = Sum($"{variant.Name}: create (durable)") / Sum($"{baseline}: create (durable)");
            }
        }

        Console.WriteLine();
        if (scrapes > 0)
        {
            Console.WriteLine($"# {scrapes} scrapes during the scraped rows, {scrapeBytes / scrapes:N0} bytes each");
        }

        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {value,6:N3}x"));
        }

        Console.WriteLine(Runner.Json(suite, rows, ratios));
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
        private static readonly Metadata SimpleHeaders = new() { { "x-jindo-user", "root" } };
        private static readonly Metadata CertificateHeaders = []; // the client certificate names root
        private readonly GrpcChannel[] _channels;
        private readonly Proto.NamespaceService.NamespaceServiceClient[] _clients;

        private Target(Variant variant, JindoMetaDaemon daemon, GrpcChannel[] channels, string[] paths)
        {
            Variant = variant;
            Daemon = daemon;
            _channels = channels;
            _clients = [.. channels.Select(c => new Proto.NamespaceService.NamespaceServiceClient(c))];
            Paths = paths;
        }

        public Variant Variant { get; }

        public JindoMetaDaemon Daemon { get; }

        public string[] Paths { get; }

        public CallOptions Options() => new(Variant.Tls ? CertificateHeaders : SimpleHeaders, DateTime.UtcNow.AddSeconds(30));

        public Proto.NamespaceService.NamespaceServiceClient Client(int caller) => _clients[caller % _clients.Length];

        public static async Task<Target> OpenAsync(Variant variant, JindoMetaDaemon daemon, int connections, BenchCertificates? pki)
        {
            var channels = Enumerable.Range(0, connections).Select(_ => pki is null
                ? GrpcChannel.ForAddress($"http://{daemon.Address}")
                : GrpcChannel.ForAddress($"https://{daemon.Address}", new GrpcChannelOptions { HttpHandler = pki.Handler() })).ToArray();
            var setup = new CallOptions(pki is null ? SimpleHeaders : CertificateHeaders, DateTime.UtcNow.AddMinutes(5));
            var client = new Proto.NamespaceService.NamespaceServiceClient(channels[0]);
            var paths = new List<string>();
            for (var a = 0; a < 100; a++)
            {
                var batch = new List<Task>();
                for (var f = 0; f < 100; f++)
                {
                    var path = $"/a{a / 10}/b{a % 10}/c{f / 10}/f{f % 10}";
                    paths.Add(path);
                    batch.Add(client.CreateAsync(new() { Path = path, CreateParent = true }, setup).ResponseAsync);
                }

                await Task.WhenAll(batch);
            }

            return new Target(variant, daemon, channels, [.. paths]);
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

/// <summary>A throwaway CA, a server certificate for 127.0.0.1 and root's client certificate, as PEM files.</summary>
internal sealed class BenchCertificates
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _client;

    private BenchCertificates(string directory)
    {
        CaFile = Path.Combine(directory, "ca.pem");
        ServerCertificate = Path.Combine(directory, "server.pem");
        ServerKey = Path.Combine(directory, "server-key.pem");
        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));
        _client = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "root.pem"), Path.Combine(directory, "root-key.pem"));
    }

    public string CaFile { get; }

    public string ServerCertificate { get; }

    public string ServerKey { get; }

    public static BenchCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=bench CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        Issue(directory, "server", ca, caKey, server: true);
        Issue(directory, "root", ca, caKey, server: false);
        return Load(directory);
    }

    public static BenchCertificates Load(string directory) => new(directory);

    /// <summary>A handler that presents root's certificate and trusts only the bench CA.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions
        {
            ClientCertificates = [_client],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is X509Certificate2 presented && chain.Build(presented);
            },
        },
        EnableMultipleHttp2Connections = true,
    };

    private static void Issue(string directory, string name, X509Certificate2 ca, ECDsa caKey, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(directory, $"{name}.pem"), issued.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, $"{name}-key.pem"), key.ExportPkcs8PrivateKeyPem());
    }
}
