using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Namespace;
using JindoMeta.Bench.Processes;
using Health = JindoMeta.Protos.Grpc.Health.V1;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Rpc;

/// <summary>
/// The namespace over RPC on loopback: the real daemon as a separate process, called through our gRPC client at
/// several caller counts (Grpc.Net.Client, one channel per connection). The transport's ceiling is an almost empty call to the same daemon (grpc.health.v1
/// Check); the in-process figures of the same operations come from the same run.
/// </summary>
public static class RpcNamespaceBenchmark
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        using var directory = new WorkDirectory(settings.WorkDirectory);
        using var daemon = await JindoMetaDaemon.StartAsync(directory.Path, "127.0.0.1", 0, []);
        var rows = new List<Measurement>();
        Console.WriteLine($"# rpc benchmark: daemon pid {daemon.Process.Id} on {daemon.Address}, {settings.Connections} connections, {settings.Duration.TotalSeconds:N0}s per row");
        Console.WriteLine(Measurement.Header);
        void Add(Measurement m)
        {
            rows.Add(m);
            Console.WriteLine(m);
        }

        // Several HTTP/2 connections, as several client processes would open: one connection multiplexing every
        // caller serializes on Kestrel's per-connection frame writer (12.6% of daemon CPU in lock contention at 64).
        var grpcChannels = Enumerable.Range(0, settings.Connections).Select(_ => GrpcChannel.ForAddress($"http://{daemon.Address}")).ToArray();
        using var disposeChannels = new ChannelSet(grpcChannels);
        var channels = grpcChannels.Select(c => new Proto.NamespaceService.NamespaceServiceClient(c)).ToArray();
        var health = grpcChannels.Select(c => new Health.Health.HealthClient(c)).ToArray();
        var headers = new Metadata { { "x-jindo-user", "root" } };
        CallOptions Options() => new(headers, DateTime.UtcNow.AddSeconds(30));
        var checkRequest = new Health.HealthCheckRequest();
        var paths = await PreloadAsync(channels[0], Options);

        if (settings.Only is { } only)
        {
            // Profiling aid: one scenario, long enough to attach a profiler to the daemon.
            Console.WriteLine($"# only '{only}' against daemon pid {daemon.Process.Id}");
            foreach (var callers in settings.Callers)
            {
                Console.WriteLine(only switch
                {
                    "getFileInfo" => await Runner.RunAsync("rpc getFileInfo depth 4", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await channels[caller % channels.Length].GetFileInfoAsync(
                            new() { Path = paths[(int)((sequence * 7919 + caller) % paths.Length)] }, Options())),
                    "create" => await Runner.RunAsync("rpc create (durable)", callers, settings.WarmUp, settings.Duration,
                        async (caller, sequence) => await channels[caller % channels.Length].CreateAsync(
                            new() { Path = $"/rpc/c{callers}/c{caller}/f{sequence}", CreateParent = true }, Options())),
                    _ => throw new ArgumentException($"--only takes getFileInfo or create for the rpc suite, not {only}"),
                });
            }

            return 0;
        }

        var daemonCpu = daemon.CpuTime;
        foreach (var callers in settings.Callers)
        {
            Add(await Runner.RunAsync("rpc empty call (health)", callers, settings.WarmUp, settings.Duration,
                async (caller, _) => await health[caller % health.Length].CheckAsync(checkRequest, Options()), daemonCpu));
            Add(await Runner.RunAsync("rpc getFileInfo depth 4", callers, settings.WarmUp, settings.Duration,
                async (caller, sequence) => await channels[caller % channels.Length].GetFileInfoAsync(
                    new() { Path = paths[(int)((sequence * 7919 + caller) % paths.Length)] }, Options()), daemonCpu));
            Add(await Runner.RunAsync("rpc mkdir (durable)", callers, settings.WarmUp, settings.Duration,
                async (caller, sequence) => await channels[caller % channels.Length].MkdirsAsync(
                    new() { Path = $"/rpc/m{callers}/c{caller}/d{sequence}", CreateParent = true }, Options()), daemonCpu));
            Add(await Runner.RunAsync("rpc create (durable)", callers, settings.WarmUp, settings.Duration,
                async (caller, sequence) => await channels[caller % channels.Length].CreateAsync(
                    new() { Path = $"/rpc/c{callers}/c{caller}/f{sequence}", CreateParent = true }, Options()), daemonCpu));
        }

        var inProcess = await NamespaceBenchmark.MeasureInProcessAsync(settings);
        foreach (var row in inProcess)
        {
            Add(row);
        }

        var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
        double Rate(string name, int callers) => rows.First(r => r.Name == name && r.Callers == callers).OpsPerSecond;
        foreach (var callers in settings.Callers)
        {
            var c = callers.ToString(CultureInfo.InvariantCulture);
            var empty = Rate("rpc empty call (health)", callers);
            ratios[$"rpc getFileInfo@{c} / empty rpc@{c}"] = Rate("rpc getFileInfo depth 4", callers) / empty;
            ratios[$"rpc create@{c} / empty rpc@{c}"] = Rate("rpc create (durable)", callers) / empty;
            ratios[$"rpc mkdir@{c} / empty rpc@{c}"] = Rate("rpc mkdir (durable)", callers) / empty;
            ratios[$"rpc create@{c} / in-process create@{c}"] = Rate("rpc create (durable)", callers) / Rate("create (durable)", callers);
            ratios[$"rpc getFileInfo@{c} / in-process getFileInfo@{c}"] = Rate("rpc getFileInfo depth 4", callers) / Rate("getFileInfo depth 4", callers);
        }

        Console.WriteLine();
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {value,6:N2}x"));
        }

        Console.WriteLine(Runner.Json("rpc", rows, ratios));
        return 0;
    }

    private static async Task<string[]> PreloadAsync(Proto.NamespaceService.NamespaceServiceClient client, Func<CallOptions> options)
    {
        var paths = new List<string>();
        for (var a = 0; a < 10; a++)
        {
            for (var b = 0; b < 10; b++)
            {
                var batch = new List<Task>();
                for (var c = 0; c < 10; c++)
                {
                    for (var f = 0; f < 10; f++)
                    {
                        var path = $"/a{a}/b{b}/c{c}/f{f}";
                        paths.Add(path);
                        batch.Add(client.CreateAsync(new() { Path = path, CreateParent = true }, options()).ResponseAsync);
                    }
                }

                await Task.WhenAll(batch);
            }
        }

        return [.. paths];
    }

    private sealed class ChannelSet(GrpcChannel[] channels) : IDisposable
    {
        public void Dispose()
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }
}
