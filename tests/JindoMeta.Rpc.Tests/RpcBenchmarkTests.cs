using JindoMeta.Rpc.Diagnostics;

namespace JindoMeta.Rpc.Tests;

/// <summary>The benchmark entry point works (its figures are for the benchmark program, not asserted here).</summary>
public sealed class RpcBenchmarkTests
{
    [Fact]
    public async Task Empty_call_benchmark_completes_calls_and_reports_consistent_percentiles()
    {
        var result = await RpcBenchmark.RunEmptyCallsAsync(concurrency: 4, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100));

        Assert.True(result.Calls > 0);
        Assert.Equal(4, result.Concurrency);
        Assert.InRange(result.P50, TimeSpan.Zero, result.P99);
        Assert.InRange(result.P99, result.P50, result.Max);
    }
}
