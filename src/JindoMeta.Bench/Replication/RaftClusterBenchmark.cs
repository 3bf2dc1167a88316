using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Processes;
using JindoMeta.Bench.Replication.Cluster;
using JindoMeta.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Replication;

/// <summary>
/// `jindometa-bench raft`: the three-process raft cluster on loopback against the rocksdb backend (one daemon) and
/// etcd 3.4 (three members), one system at a time in the same run, all driven from this process over gRPC:
/// durable create / put at each caller count through <see cref="BenchSettings.Connections"/> channels to the
/// leader's address (generated clients sending JindoMetaClient's headers, no redirect: a client learns the leader
/// once), fdatasyncs per committed entry on the leader, then failover: leader SIGKILL to the first acknowledged
/// write, through a client that knows all three addresses (JindoMetaClient with its default retry rule for ours).
/// </summary>
public static class RaftClusterBenchmark
{
    private const string RaftCreate = "raft create (durable)";
    private const string RocksDbCreate = "rocksdb create (durable)";
    private const string EtcdPut = "etcd put";
    private static readonly Metadata RootUser = new() { { "x-jindo-user", "root" } };

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var etcdBinary = EtcdCluster.FindBinary();
        Console.WriteLine($"# raft benchmark: 3 raft daemons on 127.0.0.1-3 vs 1 rocksdb daemon vs etcd (3 members), one system at a time; " +
            $"{settings.Connections} connections to the leader, {settings.Duration.TotalSeconds:0.#} s per row; failover: {settings.Kills} leader SIGKILLs");
        if (etcdBinary is null)
        {
            Console.WriteLine($"# etcd skipped: no etcd binary{(Environment.GetEnvironmentVariable("ETCD_BINARY") is { Length: > 0 } set ? $" at ETCD_BINARY={set}" : "")}; install it with `{EtcdCluster.InstallHint}`");
        }

        var rows = new List<Measurement>();
        var syncs = new List<SyncRow>();
        var failovers = new List<FailoverResult>();
        Console.WriteLine(Measurement.Header);
        void Add(Measurement row, SyncRow sync)
        {
            rows.Add(row);
            syncs.Add(sync);
            Console.WriteLine(row);
        }

        using (var directory = new WorkDirectory(settings.WorkDirectory))
        {
            await MeasureRocksDbAsync(settings, directory.Path, Add);
        }

        using (var directory = new WorkDirectory(settings.WorkDirectory))
        {
            failovers.Add(await MeasureRaftAsync(settings, directory.Path, Add));
        }

        string? etcdVersion = null;
        if (etcdBinary is not null)
        {
            using var directory = new WorkDirectory(settings.WorkDirectory);
            (var failover, etcdVersion) = await MeasureEtcdAsync(settings, etcdBinary, directory.Path, Add);
            failovers.Add(failover);
        }

        Console.WriteLine();
        Console.WriteLine("fdatasyncs per committed entry, on the leader, over each row (warm-up included):");
        foreach (var sync in syncs)
        {
            Console.WriteLine(sync);
        }

        Console.WriteLine();
        Console.WriteLine("failover clients: raft = JindoMetaClient with the 3 addresses and its default retry rule; etcd = the 3 endpoints in turn, 1 s per attempt");
        foreach (var failover in failovers)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"failover {failover.System,-5}: kill leader -> first acknowledged write: p50 {failover.P50,6:N0} ms, p99 {failover.P99,6:N0} ms, max {failover.Max,6:N0} ms " +
                $"over {failover.Milliseconds.Count} kills ({failover.FailedWrites} writes failed, {failover.AcknowledgedWrites} acknowledged)"));
            if (failover.LastFailure is { } failure)
            {
                Console.WriteLine($"  last failed {failover.System} write: {failure.ReplaceLineEndings(" ")}");
            }
        }

        var ratios = Ratios(settings, rows);
        Console.WriteLine();
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {value,6:N2}x"));
        }

        foreach (var goal in Goals(ratios, failovers))
        {
            Console.WriteLine(goal);
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            suite = "raft",
            etcd = etcdVersion ?? "skipped",
            rows,
            ratios,
            syncs,
            failover = failovers.Select(f => new { f.System, kills = f.Milliseconds.Count, p50Ms = f.P50, p99Ms = f.P99, maxMs = f.Max, f.FailedWrites, f.LastFailure, samplesMs = f.Milliseconds }),
        }));
        return 0;
    }

    private static async Task MeasureRocksDbAsync(BenchSettings settings, string directory, Action<Measurement, SyncRow> add)
    {
        using var daemon = await JindoMetaDaemon.StartAsync(Path.Combine(directory, "rocksdb"), "127.0.0.1", 0, []);
        using var channels = new Channels(settings.Connections, daemon.Address);
        async Task<(long Syncs, long Entries)> Counters()
        {
            var status = (await channels.Admin.MetaStatusAsync(new Proto.MetaStatusRequest { Detail = true }, Options())).Namespaces[0];
            return (Number(status, "syncs"), status.Nodes[0].LastCommittedIndex);
        }

        foreach (var callers in settings.Callers)
        {
            var before = await Counters();
            var clients = ClientIds(callers);
            var row = await Runner.RunAsync(RocksDbCreate, callers, settings.WarmUp, settings.Duration,
                async (caller, sequence) => await channels.Namespace[caller % channels.Namespace.Length].CreateAsync(
                    new() { Path = $"/rocksdb/c{callers}/c{caller}/f{sequence}", CreateParent = true }, CreateOptions(clients[caller], sequence)), daemon.CpuTime);
            var after = await Counters();
            add(row, new SyncRow(RocksDbCreate, callers, after.Entries - before.Entries, after.Syncs - before.Syncs, "synced group writes"));
        }
    }

    private static async Task<FailoverResult> MeasureRaftAsync(BenchSettings settings, string directory, Action<Measurement, SyncRow> add)
    {
        using var cluster = await RaftDaemonSet.StartAsync(directory);
        var leader = await cluster.LeaderIndexAsync(TimeSpan.FromSeconds(60));
        using (var channels = new Channels(settings.Connections, cluster.ClientAddress(leader)))
        {
            async Task<(long Syncs, long Entries)> Counters()
            {
                var status = await cluster.StatusAsync(leader) ?? throw new InvalidOperationException($"the raft leader (node {leader + 1}) stopped answering");
                return (Number(status, "logSyncs"), Number(status, "commitIndex"));
            }

            foreach (var callers in settings.Callers)
            {
                var before = await Counters();
                var clients = ClientIds(callers);
                var row = await Runner.RunAsync(RaftCreate, callers, settings.WarmUp, settings.Duration,
                    async (caller, sequence) => await channels.Namespace[caller % channels.Namespace.Length].CreateAsync(
                        new() { Path = $"/raft/c{callers}/c{caller}/f{sequence}", CreateParent = true }, CreateOptions(clients[caller], sequence)), cluster.Node(leader).CpuTime);
                var after = await Counters();
                add(row, new SyncRow(RaftCreate, callers, after.Entries - before.Entries, after.Syncs - before.Syncs, "synced raft log writes"));
            }
        }

        using var client = new JindoMetaClient(new JindoMetaClientOptions { Addresses = cluster.ClientAddresses, User = "root" });
        return await FailoverProbe.RunAsync("raft", settings.Kills, cluster,
            sequence => client.CreateAsync(new() { Path = $"/failover/f{sequence}", CreateParent = true }), Progress);
    }

    private static async Task<(FailoverResult Failover, string Version)> MeasureEtcdAsync(
        BenchSettings settings, string binary, string directory, Action<Measurement, SyncRow> add)
    {
        await using var cluster = await EtcdCluster.StartAsync(binary, directory);
        var leader = await cluster.LeaderIndexAsync(TimeSpan.FromSeconds(60));
        var version = (await cluster.StatusAsync(leader))?.Version ?? "unknown";
        Progress($"etcd {version} ({binary}), leader on {cluster.ClientAddress(leader)}");
        var value = new byte[100];
        new Random(42).NextBytes(value);
        var grpcChannels = Enumerable.Range(0, settings.Connections).Select(_ => GrpcChannel.ForAddress($"http://{cluster.ClientAddress(leader)}")).ToArray();
        try
        {
            var invokers = grpcChannels.Select(c => c.CreateCallInvoker()).ToArray();
            var leaderProcess = cluster.Member(leader);
            TimeSpan LeaderCpu()
            {
                leaderProcess.Refresh();
                return leaderProcess.TotalProcessorTime;
            }

            async Task<(long Wal, long Backend, long Revision)> Counters()
            {
                var (wal, backend) = await cluster.DiskCountersAsync(leader);
                var status = await cluster.StatusAsync(leader) ?? throw new InvalidOperationException($"the etcd leader (member {leader + 1}) stopped answering");
                return (wal, backend, status.Header.Revision);
            }

            foreach (var callers in settings.Callers)
            {
                var before = await Counters();
                var row = await Runner.RunAsync(EtcdPut, callers, settings.WarmUp, settings.Duration,
                    async (caller, sequence) => await invokers[caller % invokers.Length].AsyncUnaryCall(EtcdApi.Put, null,
                        new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)),
                        new EtcdPutRequest(Encoding.UTF8.GetBytes($"/etcd/c{callers}/c{caller}/k{sequence}"), value)), LeaderCpu);
                var after = await Counters();
                var walFsyncs = after.Wal - before.Wal;
                var backendCommits = after.Backend - before.Backend;
                add(row, new SyncRow(EtcdPut, callers, after.Revision - before.Revision, walFsyncs + backendCommits,
                    string.Create(CultureInfo.InvariantCulture, $"syncs ({walFsyncs:N0} wal fsyncs + {backendCommits:N0} backend commits)")));
            }
        }
        finally
        {
            foreach (var channel in grpcChannels)
            {
                channel.Dispose();
            }
        }

        var failover = await FailoverProbe.RunAsync("etcd", settings.Kills, cluster,
            sequence => cluster.PutThroughAnyMemberAsync(new EtcdPutRequest(Encoding.UTF8.GetBytes($"/failover/k{sequence}"), value)), Progress);
        return (failover, version);
    }

    private static SortedDictionary<string, double> Ratios(BenchSettings settings, List<Measurement> rows)
    {
        var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
        Measurement? Row(string name, int callers) => rows.FirstOrDefault(r => r.Name == name && r.Callers == callers);
        foreach (var callers in settings.Callers)
        {
            var c = callers.ToString(CultureInfo.InvariantCulture);
            if (Row(RaftCreate, callers) is not { } raft)
            {
                continue;
            }

            if (Row(RocksDbCreate, callers) is { } rocks)
            {
                ratios[$"raft create@{c} / rocksdb create@{c}"] = raft.OpsPerSecond / rocks.OpsPerSecond;
            }

            if (Row(EtcdPut, callers) is { } etcd)
            {
                ratios[$"raft create@{c} / etcd put@{c}"] = raft.OpsPerSecond / etcd.OpsPerSecond;
                ratios[$"raft p50@{c} / etcd p50@{c}"] = raft.P50Micros / etcd.P50Micros;
            }
        }

        return ratios;
    }

    /// <summary>The issue's goals, judged on this run's figures (a line each; absent rows say what is missing).</summary>
    private static IEnumerable<string> Goals(SortedDictionary<string, double> ratios, List<FailoverResult> failovers)
    {
        string Judge(bool met) => met ? "met" : "NOT met";
        yield return ratios.TryGetValue("raft create@64 / etcd put@64", out var throughput)
            ? string.Create(CultureInfo.InvariantCulture, $"goal raft create@64 >= 3x etcd put@64: {throughput:N2}x, {Judge(throughput >= 3)}")
            : "goal raft create@64 >= 3x etcd put@64: not measured (needs etcd and --callers with 64)";
        yield return ratios.TryGetValue("raft p50@1 / etcd p50@1", out var latency)
            ? string.Create(CultureInfo.InvariantCulture, $"goal raft p50@1 <= etcd p50@1: {latency:N2}x, {Judge(latency <= 1)}")
            : "goal raft p50@1 <= etcd p50@1: not measured (needs etcd and --callers with 1)";
        yield return failovers.FirstOrDefault(f => f.System == "raft") is { Milliseconds.Count: > 0 } raft
            ? string.Create(CultureInfo.InvariantCulture, $"goal raft failover p99 < 3 s: {raft.P99:N0} ms over {raft.Milliseconds.Count} kills, {Judge(raft.P99 < 3000)}")
                + (raft.Milliseconds.Count < 20 ? " (fewer than 20 kills: indicative only)" : "")
            : "goal raft failover p99 < 3 s: not measured (--kills 0)";
    }

    private static long Number(Proto.NamespaceStatus status, string key) =>
        status.Properties.TryGetValue(key, out var text)
            ? long.Parse(text, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"the daemon's -metaStatus -detail has no '{key}' (an older jindometa.dll?)");

    private static CallOptions Options() => new(RootUser, DateTime.UtcNow.AddSeconds(30));

    /// <summary>
    /// A create as JindoMetaClient sends it: user, client id and call id (so the server keeps its retry-cache entry,
    /// part of what a user's create costs), without the client library's retry loop in the way.
    /// </summary>
    private static CallOptions CreateOptions(string clientId, long sequence) => new(new Metadata
    {
        { "x-jindo-user", "root" },
        { JindoMetaClientOptions.ClientIdHeader, clientId },
        { JindoMetaClientOptions.CallIdHeader, (sequence + 1).ToString(CultureInfo.InvariantCulture) },
    }, DateTime.UtcNow.AddSeconds(30));

    /// <summary>One client id per caller of a row, as one JindoMetaClient per caller would have.</summary>
    private static string[] ClientIds(int callers) => [.. Enumerable.Range(0, callers).Select(_ => Guid.NewGuid().ToString("N"))];

    private static void Progress(string line) => Console.Error.WriteLine($"# {line}");

    /// <summary>Syncs on the leader over one row, against the entries committed meanwhile.</summary>
    public sealed record SyncRow(string Name, int Callers, long Entries, long Syncs, string What)
    {
        public double SyncsPerEntry => Entries == 0 ? 0 : (double)Syncs / Entries;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Name,-34} {Callers,7} {SyncsPerEntry,8:N3} syncs/entry ({Syncs:N0} {What} / {Entries:N0} entries)");
    }

    /// <summary>Several HTTP/2 connections to one address, as several client processes would open (see the rpc suite).</summary>
    private sealed class Channels : IDisposable
    {
        private readonly GrpcChannel[] _channels;

        public Channels(int count, string address)
        {
            _channels = [.. Enumerable.Range(0, count).Select(_ => GrpcChannel.ForAddress($"http://{address}"))];
            Namespace = [.. _channels.Select(c => new Proto.NamespaceService.NamespaceServiceClient(c))];
            Admin = new Proto.AdminService.AdminServiceClient(_channels[0]);
        }

        public Proto.NamespaceService.NamespaceServiceClient[] Namespace { get; }

        public Proto.AdminService.AdminServiceClient Admin { get; }

        public void Dispose()
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }
        }
    }
}
