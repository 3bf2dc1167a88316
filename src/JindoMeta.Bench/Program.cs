using JindoMeta.Bench.Namespace;
using JindoMeta.Bench.Replication;
using JindoMeta.Bench.Rpc;

namespace JindoMeta.Bench;

/// <summary>
/// `jindometa-bench SUITE [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]`: prints a table and a
/// JSON line per suite. Suites: namespace (in-process engine + rocksdb backend vs raw RocksDB), rpc (the daemon
/// over gRPC on loopback vs an empty call and the in-process figures), raft (consensus core and log store),
/// tablestore (our client against the emulator).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: jindometa-bench namespace|rpc|raft|tablestore [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]");
            return 2;
        }

        var settings = BenchSettings.Parse(args[1..]);
        return args[0] switch
        {
            "namespace" => await NamespaceBenchmark.RunAsync(settings),
            "rpc" => await RpcNamespaceBenchmark.RunAsync(settings),
            "raft" => RaftBenchmark.Run(settings),
            "tablestore" => await TableStoreSuite.RunAsync(),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string suite)
    {
        Console.Error.WriteLine($"unknown suite '{suite}' (known: namespace, rpc, raft, tablestore)");
        return 2;
    }
}
