using System.Globalization;
using JindoMeta.Backend.Ots;
using JindoMeta.Bench.Processes;
using JindoMeta.Bench.Replication.Cluster;
using JindoMeta.Client;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Security;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Bench.Namespace;

/// <summary>
/// `jindometa-bench ots`: durable create, mkdir and getFileInfo through the ots backend with the emulator in process,
/// next to the rocksdb backend in the same run, with no added latency and with 1 ms per Tablestore call (a VPC round
/// trip); Tablestore calls per operation; then the failover time of an active/standby pair of daemons (SIGKILL of
/// the active to the first write acknowledged after it), --kills times.
/// </summary>
public static class OtsBenchmark
{
    private static readonly CallerIdentity Root = new("root", ["supergroup"]);

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        Console.WriteLine($"# ots benchmark: {settings.Duration.TotalSeconds:N0}s per row, emulator in process, work dir {settings.WorkDirectory}");
        Console.WriteLine(Measurement.Header);
        var rows = new List<Measurement>();
        var calls = new SortedDictionary<string, double>(StringComparer.Ordinal);
        void Add(Measurement m)
        {
            rows.Add(m);
            Console.WriteLine(m);
        }

        using var emulatorDirectory = new WorkDirectory(settings.WorkDirectory);
        await using var emulator = await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0, DataDirectory = emulatorDirectory.Path, MaxTables = 100_000 });
        var namespaces = 0;
        OtsNamespaceBackend? last = null;
        var ots = new NamespaceBenchmark.BackendUnderTest(" ots", async _ =>
        {
            last = await OtsNamespaceBackend.OpenAsync(new OtsBackendOptions
            {
                TableStore = emulator.ClientOptions(),
                NamespaceName = $"bench{Interlocked.Increment(ref namespaces)}",
                Holder = "127.0.0.1:8101",
            }, PermissionSettings.Default, TimeProvider.System);
            return last;
        });

        foreach (var callers in settings.Callers)
        {
            Add(await NamespaceBenchmark.Mkdirs(settings, callers));
            Add(await NamespaceBenchmark.Creates(settings, callers));
            Add(await NamespaceBenchmark.GetFileInfos(settings, callers));
        }

        foreach (var latency in new[] { 0, 1 })
        {
            emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(latency) };
            var label = latency == 0 ? " ots" : " ots +1ms";
            var under = ots with { Label = label };
            foreach (var callers in settings.Callers)
            {
                Add(await NamespaceBenchmark.Mkdirs(settings, callers, under));
                Add(await NamespaceBenchmark.Creates(settings, callers, under: under));
                Add(await NamespaceBenchmark.GetFileInfos(settings, callers, under));
                calls[$"tablestore calls per create{label}@{callers}"] = await CallsPerCreateAsync(under, callers, () => last!);
            }
        }

        emulator.Faults = FaultOptions.None;
        var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
        double Rate(string name, int callers) => rows.First(r => r.Name == name && r.Callers == callers).OpsPerSecond;
        foreach (var label in new[] { " ots", " ots +1ms" })
        {
            foreach (var callers in settings.Callers)
            {
                var c = callers.ToString(CultureInfo.InvariantCulture);
                ratios[$"create{label}@{c} / rocksdb"] = Rate("create (durable)" + label, callers) / Rate("create (durable)", callers);
                ratios[$"mkdir{label}@{c} / rocksdb"] = Rate("mkdir (durable)" + label, callers) / Rate("mkdir (durable)", callers);
                ratios[$"getFileInfo{label}@{c} / rocksdb"] = Rate("getFileInfo depth 4" + label, callers) / Rate("getFileInfo depth 4", callers);
            }
        }

        foreach (var (name, value) in calls)
        {
            ratios[name] = value;
        }

        var failover = await MeasureFailoverAsync(settings);
        ratios["failover p50 ms"] = failover.P50;
        ratios["failover max ms"] = failover.Max;
        Console.WriteLine();
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {value,8:N2}"));
        }

        Console.WriteLine($"# failover: {failover.Milliseconds.Count} kills, {failover.AcknowledgedWrites} writes acknowledged, {failover.FailedWrites} given up ({failover.LastFailure ?? "none"})");
        Console.WriteLine(Runner.Json("ots", rows, ratios));
        return 0;
    }

    /// <summary>Tablestore calls per durable create: 3000 creates by <paramref name="callers"/> callers on a fresh namespace, setup excluded.</summary>
    private static async Task<double> CallsPerCreateAsync(NamespaceBenchmark.BackendUnderTest under, int callers, Func<OtsNamespaceBackend> opened)
    {
        const int creates = 3000;
        await using var backend = await under.Open("");
        for (var c = 0; c < callers; c++)
        {
            await backend.SubmitAsync(new MkdirsCommand(Root, $"/calls/c{c}", 0x1ED, CreateParent: true));
        }

        var before = opened().TableStoreRequests;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var n && n < creates)
            {
                var result = await backend.SubmitAsync(new CreateFileCommand(Root, $"/calls/c{c}/f{n}", 0x1A4, false, false, 3, 128L << 20));
                if (!result.IsOk)
                {
                    throw new InvalidOperationException($"benchmark create failed: {result.Error}");
                }
            }
        })));
        return (double)(opened().TableStoreRequests - before) / creates;
    }

    /// <summary>Two daemons (127.0.0.1 and 127.0.0.2) over an emulator process, active/standby, 2 s lease; the active is killed and brought back as standby.</summary>
    private static async Task<FailoverResult> MeasureFailoverAsync(BenchSettings settings)
    {
        using var directory = new WorkDirectory(settings.WorkDirectory);
        using var emulator = await EmulatorProcess.StartAsync(Path.Combine(directory.Path, "emulator"));
        var hosts = new[] { "127.0.0.1", "127.0.0.2" };
        var port = LoopbackPorts.FreeOnEvery(hosts);
        var rpcAddress = string.Join(",", hosts.Select(h => $"{h}:{port}"));
        string[] Arguments() =>
        [
            "-D", "namespace.backend.type=ots", "-D", "namespace.backend.ots.ha=true", "-D", "namespace.backend.ots.lease-ms=2000",
            "-D", $"jfs.namespace.server.rpc-address={rpcAddress}", .. emulator.DaemonSettings(),
        ];
        var daemons = new JindoMetaDaemon?[2];
        try
        {
            daemons[0] = await JindoMetaDaemon.StartAsync(Path.Combine(directory.Path, "a"), hosts[0], port, Arguments());
            daemons[1] = await JindoMetaDaemon.StartAsync(Path.Combine(directory.Path, "b"), hosts[1], port, Arguments());
            var target = new ActiveStandbyPair(daemons, hosts, port, directory.Path, Arguments);
            using var client = new JindoMetaClient(new JindoMetaClientOptions { Addresses = RpcAddressList.Parse(rpcAddress), User = "root", MaxAttempts = 200 });
            return await FailoverProbe.RunAsync("ots", Math.Max(1, settings.Kills / 4), target,
                sequence => client.CreateAsync(new() { Path = $"/failover/f{sequence}", CreateParent = true }), line => Console.Error.WriteLine("# " + line));
        }
        finally
        {
            foreach (var daemon in daemons)
            {
                daemon?.Dispose();
            }
        }
    }

    private sealed class ActiveStandbyPair(JindoMetaDaemon?[] daemons, string[] hosts, int port, string directory, Func<string[]> arguments) : IFailoverTarget
    {
        public async Task<int> LeaderIndexAsync()
        {
            for (var round = 0; round < 600; round++)
            {
                for (var i = 0; i < daemons.Length; i++)
                {
                    if (await RoleAsync(i) == "ACTIVE")
                    {
                        return i;
                    }
                }

                await Task.Delay(50);
            }

            throw new TimeoutException("no ots daemon became ACTIVE within 30 s");
        }

        public void Kill(int index) => daemons[index]!.Kill();

        public async Task RestartAsFollowerAsync(int index)
        {
            daemons[index]!.Dispose();
            daemons[index] = await JindoMetaDaemon.StartAsync(Path.Combine(directory, index == 0 ? "a" : "b"), hosts[index], port, arguments());
            for (var round = 0; round < 600 && await RoleAsync(index) != "STANDBY"; round++)
            {
                await Task.Delay(50);
            }
        }

        private async Task<string> RoleAsync(int index)
        {
            try
            {
                using var client = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [$"{hosts[index]}:{port}"], User = "root", MaxAttempts = 1 });
                var status = await client.MetaStatusAsync(new() { Detail = false });
                return status.Namespaces.Single().Nodes.Single().Role;
            }
            catch (JindoMetaException)
            {
                return "DOWN";
            }
        }
    }
}
