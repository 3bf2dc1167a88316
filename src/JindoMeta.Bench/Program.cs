using JindoMeta.Bench.Blocks;
using JindoMeta.Bench.Load;
using JindoMeta.Bench.Namespace;
using JindoMeta.Bench.Replication;
using JindoMeta.Bench.Rpc;

namespace JindoMeta.Bench;

/// <summary>
/// `jindometa-bench SUITE [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH] [--kills N]`: prints a table
/// and a JSON line per suite. Suites: namespace (in-process engine + rocksdb backend vs raw RocksDB), ots (the ots backend vs rocksdb, with 0 and 1 ms per Tablestore call, and its failover), rpc (the daemon
/// over gRPC on loopback vs an empty call and the in-process figures), metrics (the same calls with metrics on vs off), security and audit (the same with TLS / the audit log), raft (three raft daemons on 127.0.0.1-3 vs the
/// rocksdb daemon vs etcd 3.4: durable create, syncs per entry, leader-kill failover), raft-core (consensus core in
/// memory and log store appends), tablestore (our client against the emulator), replica (issue 10's figures: the
/// emulator and the daemon as processes: build a tree with upload on, time to `_synced=1`, recovery of a new data
/// directory to state=FINISH, uploader lag under a steady create rate, each process's CPU per phase), build-tree
/// (fill a running server with a generated tree: --address host:port --dirs N --files M --callers C), blockstore (256 MiB
/// through S3BlockStore vs plain SDK PutObject/GetObject, on s3rver).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: jindometa-bench namespace|rpc|metrics|security|audit|raft|ots|raft-core|tablestore|replica|build-tree|data|blockstore [--seconds N] [--warmup N] [--callers 1,16,64] [--dir PATH]");
            Console.Error.WriteLine("  metrics: getFileInfo and durable create against a daemon with metrics on (scraped every 5 s) and one with them off, alternating; ratio on/off");
            Console.Error.WriteLine("  security: the same against simple authentication, TLS with client certificates, and the audit log on; ratios to simple");
            Console.Error.WriteLine("  audit: the same against the audit log off and on; ratio on/off");
            Console.Error.WriteLine("  raft: 3 raft daemons vs 1 rocksdb daemon vs etcd (apt-get install -y etcd-server; skipped when absent), then --kills N leader SIGKILLs (default 20)");
            Console.Error.WriteLine("  ots: the ots backend (emulator in process, then +1 ms per Tablestore call) vs rocksdb; calls per create; active/standby failover (--kills N / 4 SIGKILLs)");
            Console.Error.WriteLine("  replica [--dirs 1596] [--files 1482809] [--callers 64] [--connections 4] [--complete true] [--rate 10000] [--seconds 30] [--warmup 1] [--dir PATH] [--only build|lag]:");
            Console.Error.WriteLine("    emulator + daemon processes: build the tree with upload on, _synced=1, recovery to FINISH, uploader lag under --rate creates/s; CPU per process and phase");
            Console.Error.WriteLine("  data [--mb 1024] [--dir PATH]: jindo fs -put / -get / -cat of one file through the daemon (local block store) vs cp and cat of it on the same disk");
            Console.Error.WriteLine("  build-tree --address host:port [--dirs 1596] [--files 1482809] [--callers 64] [--connections 4] [--complete true] [--root /tree]:");
            Console.Error.WriteLine("    fill a running server (as HADOOP_USER_NAME, else the OS user): mkdir each directory, create + complete each file (--complete false: create only)");
            Console.Error.WriteLine("  blockstore: 256 MiB written and read through S3BlockStore vs plain PutObject/GetObject, both on s3rver (npm ci in tests/Shared/node); ratio ours/plain");
            return 2;
        }

        var settings = BenchSettings.Parse(args[1..]);
        return args[0] switch
        {
            "namespace" => await NamespaceBenchmark.RunAsync(settings),
            "rpc" => await RpcNamespaceBenchmark.RunAsync(settings),
            "metrics" => await DaemonVariantBenchmark.RunMetricsAsync(settings),
            "security" => await DaemonVariantBenchmark.RunSecurityAsync(settings),
            "audit" => await DaemonVariantBenchmark.RunAuditAsync(settings),
            "raft" => await RaftClusterBenchmark.RunAsync(settings),
            "ots" => await OtsBenchmark.RunAsync(settings),
            "raft-core" => RaftCoreSuite.Run(settings),
            "tablestore" => await TableStoreSuite.RunAsync(),
            "replica" => await ReplicaBenchmark.RunAsync(settings),
            "build-tree" => await BuildTreeSuite.RunAsync(settings),
            "data" => await Data.DataPathBenchmark.RunAsync(settings),
            "blockstore" => await BlockStoreBenchmark.RunAsync(),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string suite)
    {
        Console.Error.WriteLine($"unknown suite '{suite}' (known: namespace, rpc, metrics, security, audit, raft, ots, raft-core, tablestore, replica, build-tree, data, blockstore)");
        return 2;
    }
}
