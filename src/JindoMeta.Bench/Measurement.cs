using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace JindoMeta.Bench;

/// <summary>One benchmark row: operations per second and latency percentiles.</summary>
public sealed record Measurement(string Name, int Callers, double OpsPerSecond, double P50Micros, double P99Micros, long Operations)
{
    public static string Header => $"{"scenario",-34} {"callers",7} {"ops/s",12} {"p50 us",9} {"p99 us",9} {"ops",10} {"srv cpu us/op",13}";

    /// <summary>CPU time another process (the daemon) spent per operation in the measured window, when known.</summary>
    public double? ServerCpuMicrosPerOp { get; init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Name,-34} {Callers,7} {OpsPerSecond,12:N0} {P50Micros,9:N1} {P99Micros,9:N1} {Operations,10:N0} {(ServerCpuMicrosPerOp is { } cpu ? cpu.ToString("N1", CultureInfo.InvariantCulture) : "-"),13}");
}

/// <summary>Runs an operation from N concurrent callers for a fixed time after a warm-up, recording latencies.</summary>
public static class Runner
{
    public static async Task<Measurement> RunAsync(
        string name, int callers, TimeSpan warmUp, TimeSpan duration, Func<int, long, ValueTask> operation, Func<TimeSpan>? serverCpu = null)
    {
        var latencies = new List<long>[callers];
        long[] counters = new long[callers];
        var measuring = false;
        var stop = false;
        var tasks = new Task[callers];
        for (var caller = 0; caller < callers; caller++)
        {
            var id = caller;
            latencies[id] = new List<long>(1 << 16);
            tasks[id] = Task.Run(async () =>
            {
                long sequence = 0;
                while (!Volatile.Read(ref stop))
                {
                    var started = Stopwatch.GetTimestamp();
                    await operation(id, sequence++).ConfigureAwait(false);
                    if (Volatile.Read(ref measuring))
                    {
                        latencies[id].Add(Stopwatch.GetTimestamp() - started);
                        counters[id]++;
                    }
                }
            });
        }

        await Task.Delay(warmUp).ConfigureAwait(false);
        var cpuBefore = serverCpu?.Invoke();
        Volatile.Write(ref measuring, true);
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed;
        var cpuAfter = serverCpu?.Invoke();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var operations = counters.Sum();
        return new Measurement(name, callers, operations / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), operations)
        {
            ServerCpuMicrosPerOp = cpuAfter - cpuBefore is { } cpu && operations > 0 ? cpu.TotalMicroseconds / operations : null,
        };
    }

    /// <summary>A single-threaded loop measured by count (for raw baselines that batch internally).</summary>
    public static Measurement RunLoop(string name, TimeSpan warmUp, TimeSpan duration, int opsPerIteration, Action<long> iteration)
    {
        var latencies = new List<long>(1 << 16);
        long sequence = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmUp)
        {
            iteration(sequence++);
        }

        long operations = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            iteration(sequence++);
            latencies.Add(Stopwatch.GetTimestamp() - started);
            operations += opsPerIteration;
        }

        var all = latencies.Order().ToArray();
        return new Measurement(name, 1, operations / clock.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), operations);
    }

    public static string Json(string suite, IEnumerable<Measurement> rows, IDictionary<string, double> ratios) =>
        JsonSerializer.Serialize(new { suite, rows, ratios });

    private static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1e6 / Stopwatch.Frequency;
}
