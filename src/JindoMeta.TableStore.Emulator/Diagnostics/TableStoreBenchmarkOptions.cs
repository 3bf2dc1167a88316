using System.Text.Json;

namespace JindoMeta.TableStore.Emulator.Diagnostics;

/// <summary>Knobs of <see cref="TableStoreBenchmark.RunAsync"/>.</summary>
public sealed record TableStoreBenchmarkOptions
{
    /// <summary>BatchWriteRow requests per scenario (each of <see cref="RowsPerBatch"/> rows).</summary>
    public int BatchRequests { get; init; } = 500;

    public int RowsPerBatch { get; init; } = 200;

    /// <summary>Approximate encoded size of one row (key + one binary attribute).</summary>
    public int RowBytes { get; init; } = 200;

    /// <summary>Concurrent BatchWriteRow callers.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Full-table GetRange passes (5000-row pages) per scenario.</summary>
    public int RangePasses { get; init; } = 3;

    /// <summary>Latency the emulator adds to every request in the "latency" scenarios.</summary>
    public TimeSpan InjectedLatency { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Also run the durable (RocksDB, synced per request) emulator.</summary>
    public bool IncludeRocksDb { get; init; } = true;

    /// <summary>tablestore-emulator.dll to launch; default: the one this assembly was loaded from.</summary>
    public string? EmulatorAssemblyPath { get; init; }

    internal bool IsWarmup { get; init; }
}

/// <summary>One measured scenario. CPU is the client process's (the emulator runs in a child process).</summary>
public sealed record TableStoreBenchmarkScenario(
    string Name,
    long Rows,
    long Requests,
    double Seconds,
    double RowsPerSecond,
    double ClientCpuMicrosecondsPerRequest,
    double P50Milliseconds,
    double P99Milliseconds,
    double RatioToBaseline);

public sealed record TableStoreBenchmarkResult(IReadOnlyList<TableStoreBenchmarkScenario> Scenarios)
{
    public string ToJson() => JsonSerializer.Serialize(Scenarios);
}
