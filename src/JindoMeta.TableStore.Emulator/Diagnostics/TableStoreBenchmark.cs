using System.Diagnostics;
using System.Globalization;

namespace JindoMeta.TableStore.Emulator.Diagnostics;

/// <summary>
/// Emulator throughput through our client on loopback: BatchWriteRow (200 rows of ~200 bytes) and GetRange
/// (5000-row pages), rows per second, with and without injected latency, plus client CPU per request. The emulator
/// runs as a child process (<c>tablestore-emulator</c>) so this process's CPU time is the client's alone. Ratios are
/// against the in-memory, no-latency run of the same operation in the same run.
/// </summary>
public static class TableStoreBenchmark
{
    private const string Secret = "bench-secret";

    public static async Task<TableStoreBenchmarkResult> RunAsync(TableStoreBenchmarkOptions? options = null, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        options ??= new TableStoreBenchmarkOptions();
        if (!options.IsWarmup)
        {
            // Client-side JIT and tiering: run a small throwaway pass first so the first scenario is not penalised.
            await RunAsync(options with { IsWarmup = true, BatchRequests = 60, RangePasses = 2, IncludeRocksDb = false, InjectedLatency = TimeSpan.Zero }, null, cancellationToken).ConfigureAwait(false);
        }
        var scenarios = new List<TableStoreBenchmarkScenario>();
        var variants = new List<(string Label, TimeSpan Latency, bool Durable)> { ("memory", TimeSpan.Zero, false), ("memory+latency", options.InjectedLatency, false) };
        if (options.IncludeRocksDb)
        {
            variants.Add(("rocksdb", TimeSpan.Zero, true));
        }
        double? writeBaseline = null, readBaseline = null;
        foreach (var (label, latency, durable) in variants)
        {
            var dataDirectory = durable ? Directory.CreateTempSubdirectory("tablestore-bench-").FullName : null;
            try
            {
                await using var emulator = await EmulatorProcess.StartAsync(options.EmulatorAssemblyPath, latency, dataDirectory, cancellationToken).ConfigureAwait(false);
                using var client = new TableStoreClient(new TableStoreOptions
                {
                    Endpoint = emulator.Endpoint,
                    InstanceName = "bench",
                    AccessKeyId = "bench-id",
                    AccessKeySecret = Secret,
                    MaxConnections = Math.Max(8, options.Concurrency * 2),
                });
                await client.CreateTableAsync(new TableSchema("bench", [new("pk", PrimaryKeyType.String), new("seq", PrimaryKeyType.Integer)]), cancellationToken).ConfigureAwait(false);
                // Warm-up (JIT in both processes, pooled connections): a few batches and one range pass.
                await WriteAsync(client, options, requestOffset: 1_000_000, requests: Math.Min(20, options.BatchRequests), cancellationToken).ConfigureAwait(false);
                await ReadAsync(client, options with { RangePasses = 1 }, cancellationToken).ConfigureAwait(false);

                var write = await MeasureAsync("BatchWriteRow/" + label, () => WriteAsync(client, options, 0, options.BatchRequests, cancellationToken)).ConfigureAwait(false);
                writeBaseline ??= write.RowsPerSecond;
                scenarios.Add(write with { RatioToBaseline = write.RowsPerSecond / writeBaseline.Value });

                var read = await MeasureAsync("GetRange/" + label, () => ReadAsync(client, options, cancellationToken)).ConfigureAwait(false);
                readBaseline ??= read.RowsPerSecond;
                scenarios.Add(read with { RatioToBaseline = read.RowsPerSecond / readBaseline.Value });
            }
            finally
            {
                if (dataDirectory is not null)
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }
            }
        }
        var result = new TableStoreBenchmarkResult(scenarios);
        if (output is not null)
        {
            await output.WriteLineAsync($"{"scenario",-30} {"rows",9} {"requests",9} {"seconds",8} {"rows/s",11} {"cpu us/req",11} {"p50 ms",8} {"p99 ms",8} {"ratio",6}").ConfigureAwait(false);
            foreach (var s in scenarios)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Name,-30} {s.Rows,9} {s.Requests,9} {s.Seconds,8:F2} {s.RowsPerSecond,11:F0} {s.ClientCpuMicrosecondsPerRequest,11:F0} {s.P50Milliseconds,8:F2} {s.P99Milliseconds,8:F2} {s.RatioToBaseline,6:F2}")).ConfigureAwait(false);
            }
            await output.WriteLineAsync(result.ToJson()).ConfigureAwait(false);
        }
        return result;
    }

    private static async Task<TableStoreBenchmarkScenario> MeasureAsync(string name, Func<Task<(long Rows, List<double> LatenciesMs)>> run)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (rows, latencies) = await run().ConfigureAwait(false);
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        latencies.Sort();
        return new TableStoreBenchmarkScenario(
            name, rows, latencies.Count, clock.Elapsed.TotalSeconds, rows / clock.Elapsed.TotalSeconds,
            cpu.TotalMicroseconds / Math.Max(1, latencies.Count),
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), 1);
    }

    private static async Task<(long Rows, List<double> LatenciesMs)> WriteAsync(TableStoreClient client, TableStoreBenchmarkOptions options, int requestOffset, int requests, CancellationToken cancellationToken)
    {
        // Key ~ 20 bytes; the attribute fills the rest of RowBytes.
        var payload = new byte[Math.Max(1, options.RowBytes - 60)];
        Random.Shared.NextBytes(payload);
        var latencies = new List<double>(requests);
        var next = -1;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            var local = new List<double>();
            int request;
            while ((request = Interlocked.Increment(ref next)) < requests)
            {
                var batch = new RowChange[options.RowsPerBatch];
                for (var i = 0; i < batch.Length; i++)
                {
                    var seq = ((long)(request + requestOffset) * options.RowsPerBatch) + i;
                    batch[i] = new RowPutChange("bench", PrimaryKey.Of(("pk", "p" + (seq % 16).ToString(CultureInfo.InvariantCulture)), ("seq", seq)), [new Column("payload", payload)]);
                }
                var started = Stopwatch.GetTimestamp();
                var results = await client.BatchWriteRowAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (results.Any(r => !r.IsOk))
                {
                    throw new InvalidOperationException("benchmark batch had failed rows: " + results.First(r => !r.IsOk).ErrorCode);
                }
            }
            return local;
        }).ToArray();
        foreach (var local in await Task.WhenAll(workers).ConfigureAwait(false))
        {
            latencies.AddRange(local);
        }
        return ((long)requests * options.RowsPerBatch, latencies);
    }

    private static async Task<(long Rows, List<double> LatenciesMs)> ReadAsync(TableStoreClient client, TableStoreBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        long rows = 0;
        for (var pass = 0; pass < options.RangePasses; pass++)
        {
            var query = new RangeQuery("bench", PrimaryKey.Of(("pk", ColumnValue.InfMin), ("seq", ColumnValue.InfMin)), PrimaryKey.Of(("pk", ColumnValue.InfMax), ("seq", ColumnValue.InfMax)));
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var page = await client.GetRangePageAsync(query, cancellationToken).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                rows += page.Rows.Count;
                if (page.NextStart is null)
                {
                    break;
                }
                query = query with { InclusiveStart = page.NextStart };
            }
        }
        return (rows, latencies);
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>The emulator command in a child process, on a free loopback port.</summary>
    private sealed class EmulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private EmulatorProcess(Process process, Uri endpoint)
        {
            _process = process;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public static async Task<EmulatorProcess> StartAsync(string? assemblyPath, TimeSpan latency, string? dataDirectory, CancellationToken cancellationToken)
        {
            var assembly = assemblyPath ?? typeof(TableStoreEmulator).Assembly.Location;
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "exec", assembly, "--port", "0", "--instance", "bench", "--access-key-id", "bench-id", "--latency-ms", ((int)latency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }
            if (dataDirectory is not null)
            {
                start.ArgumentList.Add("--data-dir");
                start.ArgumentList.Add(dataDirectory);
            }
            start.Environment["TABLESTORE_EMULATOR_SECRET"] = Secret;
            var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the emulator process");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                const string marker = "listening on ";
                var at = line.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var url = line[(at + marker.Length)..].Split(' ')[0];
                    return new EmulatorProcess(process, new Uri(url));
                }
            }
            throw new InvalidOperationException("the emulator process exited before listening: " + await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
            _process.Dispose();
        }
    }
}
