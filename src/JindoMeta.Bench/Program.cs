using JindoMeta.Bench.Namespace;

namespace JindoMeta.Bench;

/// <summary>
/// `jindometa-bench SUITE [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]`: prints a table and a
/// JSON line per suite. Suites: namespace (in-process engine + rocksdb backend vs raw RocksDB).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: jindometa-bench namespace [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]");
            return 2;
        }

        var settings = BenchSettings.Parse(args[1..]);
        return args[0] switch
        {
            "namespace" => await NamespaceBenchmark.RunAsync(settings),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string suite)
    {
        Console.Error.WriteLine($"unknown suite '{suite}' (known: namespace)");
        return 2;
    }
}
