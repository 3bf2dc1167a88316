using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests;

/// <summary>
/// The metrics port (namespace.metrics.port) as Prometheus sees it: every scrape is fetched and parsed by Debian's
/// python3-prometheus-client, and each assertion is on the difference two scrapes show around the calls a test made.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private const string Service = "jindometa.v1.NamespaceService";
    private const string FileNotFoundCode = "25001";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Counters_move_by_exactly_the_calls_made_and_a_missing_path_is_counted_by_its_error_code()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));
        using var client = new RawClient(daemon.Address);
        var before = await MetricsScrape.TakeAsync(daemon.MetricsUrl!);

        for (var i = 0; i < 3; i++)
        {
            await client.MkdirsAsync($"/metrics/{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            await client.GetFileInfoAsync("/metrics/0");
        }

        for (var i = 0; i < 2; i++)
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetFileInfoAsync("/metrics/missing"));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }

        var after = await MetricsScrape.TakeAsync(daemon.MetricsUrl!);

        double Moved(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(3, Moved("jindometa_rpc_calls_total", ("service", Service), ("method", "Mkdirs"), ("grpc_status", "OK")));
        Assert.Equal(5, Moved("jindometa_rpc_calls_total", ("method", "GetFileInfo"), ("grpc_status", "OK")));
        Assert.Equal(2, Moved("jindometa_rpc_calls_total", ("method", "GetFileInfo"), ("grpc_status", "NotFound")));
        Assert.Equal(2, Moved("jindometa_rpc_errors_total", ("method", "GetFileInfo"), ("grpc_status", "NotFound"), ("jindo_code", FileNotFoundCode)));
        Assert.Equal(0, Moved("jindometa_rpc_errors_total", ("method", "Mkdirs")));
        Assert.Equal(7, Moved("jindometa_rpc_duration_seconds_count", ("method", "GetFileInfo")));
        Assert.Equal(7, Moved("jindometa_rpc_duration_seconds_bucket", ("method", "GetFileInfo"), ("le", "+Inf")));
        Assert.Equal("histogram", after.Families["jindometa_rpc_duration_seconds"]);

        // Each mkdirs is one command, committed in its own group (the calls came one at a time) with one synced write.
        Assert.Equal(3, Moved("jindometa_rocksdb_group_commit_commands_sum", ("namespace", "test")));
        Assert.Equal(3, Moved("jindometa_rocksdb_group_commit_commands_count", ("namespace", "test")));
        Assert.Equal(3, Moved("jindometa_rocksdb_group_commit_sync_seconds_count", ("namespace", "test")));
        Assert.True(Moved("jindometa_rocksdb_group_commit_sync_seconds_sum", ("namespace", "test")) > 0);

        Assert.True(after.Value("process_cpu_seconds_total") > 0, "prometheus-net's process metrics are missing");
        Assert.True(after.Has("system_runtime_dotnet_gc_heap_total_allocated"), "the runtime's System.Runtime meter is missing");
        Assert.False(after.Has("jindometa_rocksdb_estimated_keys"), "RocksDB properties are exported only with namespace.backend.rocksdb.statistics on");
    }

    [Fact]
    public async Task The_metrics_port_serves_only_metrics_and_the_rpc_port_never_serves_them()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));
        var metrics = new Uri(daemon.MetricsUrl!);
        using var http = new HttpClient();

        using var scrape = await http.GetAsync(metrics);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var root = await http.GetAsync(new Uri(metrics, "/"));
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        using var grpcPath = await http.PostAsync(new Uri(metrics, $"/{Service}/GetFileInfo"), new ByteArrayContent([0, 0, 0, 0, 0]));
        Assert.Equal(HttpStatusCode.NotFound, grpcPath.StatusCode);

        // A gRPC client on the metrics port gets no service (HTTP/1.1 only there).
        using (var channel = GrpcChannel.ForAddress($"http://{metrics.Host}:{metrics.Port}"))
        {
            var call = new Proto.NamespaceService.NamespaceServiceClient(channel).GetFileInfoAsync(
                new Proto.GetFileInfoRequest { Path = "/" }, deadline: DateTime.UtcNow.AddSeconds(10));
            var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.NotEqual(StatusCode.OK, refused.StatusCode);
        }

        // The RPC port, spoken to in HTTP/2 as its clients do, has no /metrics; in HTTP/1.1 Kestrel refuses the request.
        var rpcMetrics = new Uri($"http://{daemon.Address}{metrics.AbsolutePath}");
        using var h2c = new HttpRequestMessage(HttpMethod.Get, rpcMetrics) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var onRpcPort = await http.SendAsync(h2c);
        Assert.Equal(HttpStatusCode.NotFound, onRpcPort.StatusCode);
        Assert.DoesNotContain("jindometa_", await onRpcPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var http1OnRpcPort = await http.GetAsync(rpcMetrics);
        Assert.Equal(HttpStatusCode.BadRequest, http1OnRpcPort.StatusCode);
        Assert.DoesNotContain("jindometa_", await http1OnRpcPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_rocksdb_statistics_on_the_store_properties_and_tickers_appear_and_no_configured_secret_does()
    {
        const string Marker = "s3cr3t-metrics-marker";
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"),
            "-D", "namespace.backend.rocksdb.statistics=true",
            "-D", $"namespace.ots.accessKey=key-{Marker}",
            "-D", $"namespace.ots.accessSecret={Marker}",
            "-D", $"namespace.ots.stsToken=token-{Marker}");
        using var client = new RawClient(daemon.Address);
        for (var i = 0; i < 20; i++)
        {
            await client.CreateAsync($"/stats/file{i}");
        }

        var scrape = await MetricsScrape.TakeAsync(daemon.MetricsUrl!);
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(daemon.MetricsUrl!));

        Assert.True(scrape.Value("jindometa_rocksdb_estimated_keys", ("namespace", "test"), ("store", "namespace")) >= 20);
        Assert.True(scrape.Value("jindometa_rocksdb_ticker_total", ("namespace", "test"), ("ticker", "rocksdb.bytes.written")) > 0);
        Assert.NotEmpty(scrape.Samples("jindometa_rocksdb_histogram", ("name", "rocksdb.db.write.micros"), ("percentile", "99")));
        Assert.NotEmpty(scrape.Samples("jindometa_rocksdb_memtable_bytes", ("namespace", "test")));
        Assert.DoesNotContain(Marker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("key-", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_in_use_stops_start_up_naming_the_metrics_port_key()
    {
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            "-D", $"namespace.data.dir={_temp.Sub("data")}", "-D", "namespace.log.dir=", "-D", "namespace.rpc.bind-host=127.0.0.1",
            "-D", "namespace.rpc.port=0", "-D", $"namespace.metrics.port={port}");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"jindometa: cannot listen on 127.0.0.1:{port}: the address is already in use", line, StringComparison.Ordinal);
        Assert.Contains("namespace.metrics.port", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_metrics_disabled_no_metrics_listener_is_opened()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", "namespace.metrics.enabled=false");
        using var client = new RawClient(daemon.Address);

        await client.MkdirsAsync("/still-served");

        Assert.Null(daemon.MetricsUrl);
        Assert.DoesNotContain("metrics serving on", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raft_cluster_shows_one_leader_its_term_and_every_follower_caught_up_on_the_leaders_scrape()
    {
        await using var cluster = await new RaftDaemonCluster().StartAllAsync();
        var leader = await cluster.LeaderIndexAsync();
        using var client = new RawClient(cluster.ClientAddress(leader));
        for (var i = 0; i < 5; i++)
        {
            await client.MkdirsAsync($"/raft/{i}");
        }

        var scrapes = new List<MetricsScrape>();
        foreach (var node in cluster.Nodes)
        {
            scrapes.Add(await MetricsScrape.TakeAsync(node!.MetricsUrl!));
        }

        Assert.Equal(1, scrapes.Sum(s => s.Value("jindometa_raft_role", ("namespace", "test"), ("role", "leader"))));
        Assert.Equal(2, scrapes.Sum(s => s.Value("jindometa_raft_role", ("namespace", "test"), ("role", "follower"))));
        var onLeader = scrapes[leader];
        Assert.True(onLeader.Value("jindometa_raft_term", ("namespace", "test")) >= 1);
        Assert.True(onLeader.Value("jindometa_raft_commit_index", ("namespace", "test")) >= 5);
        Assert.True(onLeader.Value("jindometa_raft_applied_index", ("namespace", "test")) >= 5);
        await RaftDaemonCluster.WaitForAsync(async () =>
        {
            var now = await MetricsScrape.TakeAsync(cluster.Nodes[leader]!.MetricsUrl!);
            var lags = now.Samples("jindometa_raft_follower_lag_entries", ("namespace", "test"));
            return lags.Count == 2 && lags.All(l => l.Value == 0) && now.Value("jindometa_raft_follower_active", ("namespace", "test")) == 2;
        }, "both followers to show lag 0 and active on the leader's scrape");
        Assert.True(onLeader.Value("jindometa_raft_log_sync_seconds_count") >= 1);
    }
}
