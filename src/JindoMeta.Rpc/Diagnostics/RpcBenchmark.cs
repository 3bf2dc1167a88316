using System.Diagnostics;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using JindoMeta.Rpc.Client;
using JindoMeta.Rpc.Hosting;
using JindoMeta.Rpc.Server;

namespace JindoMeta.Rpc.Diagnostics;

/// <summary>The figures of one closed-loop run: calls per second and latency percentiles.</summary>
public sealed record RpcBenchmarkResult(int Concurrency, long Calls, TimeSpan Duration, double CallsPerSecond, TimeSpan P50, TimeSpan P99, TimeSpan Max)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"concurrency={Concurrency,3} calls={Calls,8} ops/s={CallsPerSecond,9:F0} p50={P50.TotalMicroseconds,7:F0}us p99={P99.TotalMicroseconds,7:F0}us max={Max.TotalMicroseconds,8:F0}us");
}

/// <summary>
/// Empty-message unary calls over loopback: N callers on one channel, each awaiting its previous call. For the
/// benchmark program (src/JindoMeta.Bench); never timed inside a unit test.
/// </summary>
public static class RpcBenchmark
{
    public const string EmptyCallPath = "/jindometa.rpc.Benchmark/EmptyCall";

    private static readonly GrpcMethod<Empty, Empty> EmptyCall = new(EmptyCallPath, Empty.Parser);

    /// <summary>A service whose one method answers an Empty with an Empty (for any client, e.g. grpc-js).</summary>
    public static GrpcServiceDefinition CreateService() =>
        GrpcServiceDefinition.Create("jindometa.rpc.Benchmark")
            .AddUnary<Empty, Empty>("EmptyCall", static (_, _) => ValueTask.FromResult(new Empty()));

    /// <summary>Starts a server on 127.0.0.1 (free port) with the benchmark service.</summary>
    public static Task<GrpcServerHost> StartServerAsync() =>
        GrpcServerHost.StartAsync(new GrpcServerOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, CreateService());

    /// <summary>Our client against our server, both in this process.</summary>
    public static async Task<RpcBenchmarkResult> RunEmptyCallsAsync(int concurrency, TimeSpan duration, TimeSpan? warmup = null)
    {
        await using var server = await StartServerAsync().ConfigureAwait(false);
        return await RunEmptyCallsAsync(server.Address, concurrency, duration, warmup ?? TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    }

    /// <summary>Our client against a server at <paramref name="address"/> that serves <see cref="EmptyCallPath"/>.</summary>
    public static async Task<RpcBenchmarkResult> RunEmptyCallsAsync(string address, int concurrency, TimeSpan duration, TimeSpan warmup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        using var channel = new GrpcChannel(address);
        await RunCallersAsync(channel, concurrency, warmup).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var latencies = await RunCallersAsync(channel, concurrency, duration).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new RpcBenchmarkResult(concurrency, all.Length, elapsed, all.Length / elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, all[^1]));
    }

    private static async Task<List<long>[]> RunCallersAsync(GrpcChannel channel, int concurrency, TimeSpan duration)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var request = new Empty();
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<long>(64 * 1024);
            long now;
            while ((now = Stopwatch.GetTimestamp()) < stopAt)
            {
                await channel.CallUnaryAsync(EmptyCall, request).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetTimestamp() - now);
            }

            return latencies;
        }));
        return await Task.WhenAll(callers).ConfigureAwait(false);
    }

    private static TimeSpan Percentile(long[] sorted, double fraction) =>
        sorted.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * fraction))]);
}
