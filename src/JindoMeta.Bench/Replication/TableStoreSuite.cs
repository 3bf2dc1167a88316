using JindoMeta.TableStore.Emulator.Diagnostics;

namespace JindoMeta.Bench.Replication;

/// <summary>Our Tablestore client against the emulator (a child process) on loopback: BatchWriteRow and GetRange.</summary>
public static class TableStoreSuite
{
    public static async Task<int> RunAsync()
    {
        await TableStoreBenchmark.RunAsync(output: Console.Out);
        return 0;
    }
}
