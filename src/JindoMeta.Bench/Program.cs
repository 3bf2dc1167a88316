using JindoMeta.Bench.Namespace;
using JindoMeta.Bench.Replication;
using JindoMeta.Bench.Rpc;

namespace JindoMeta.Bench;

/// <summary>
/// `jindometa-bench SUITE [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH] [--kills N]`: prints a table
/// and a JSON line per suite. Suites: namespace (in-process engine + rocksdb backend vs raw RocksDB), rpc (the daemon
/// over gRPC on loopback vs an empty call and the in-process figures), raft (three raft daemons on 127.0.0.1-3 vs the
/// rocksdb daemon vs etcd 3.4: durable create, syncs per entry, leader-kill failover), raft-core (consensus core in
/// memory and log store appends), tablestore (our client against the emulator).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: jindometa-bench namespace|rpc|raft|raft-core|tablestore [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]");
            Console.Error.WriteLine("  raft: 3 raft daemons vs 1 rocksdb daemon vs etcd (apt-get install -y etcd-server; skipped when absent), then --kills N leader SIGKILLs (default 20)");
            return 2;
        }

        var settings = BenchSettings.Parse(args[1..]);
        return args[0] switch
        {
            "namespace" => await NamespaceBenchmark.RunAsync(settings),
            "rpc" => await RpcNamespaceBenchmark.RunAsync(settings),
            "raft" => await RaftClusterBenchmark.RunAsync(settings),
            "raft-core" => RaftCoreSuite.Run(settings),
            "tablestore" => await TableStoreSuite.RunAsync(),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string suite)
    {
        Console.Error.WriteLine($"unknown suite '{suite}' (known: namespace, rpc, raft, raft-core, tablestore)");
        return 2;
    }
}
