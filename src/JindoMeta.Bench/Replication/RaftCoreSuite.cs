using System.Globalization;
using System.Text.Json;
using JindoMeta.Backend.Raft.Diagnostics;
using JindoMeta.Raft.Diagnostics;

namespace JindoMeta.Bench.Replication;

/// <summary>
/// The Raft core in a 3-node in-memory simulation (no-op state machine) at several proposal batch sizes, and the
/// RocksDB log store's synced appends, next to each other in one run.
/// </summary>
public static class RaftCoreSuite
{
    public static int Run(BenchSettings settings)
    {
        Console.WriteLine("# raft-core benchmark: core = 3 nodes in memory, no-op state machine; log store = synced RocksDB appends");
        var rows = new List<object>();
        foreach (var batch in new[] { 1, 64, 256 })
        {
            var core = RaftCoreBenchmark.Run(nodes: 3, batchSize: batch, entries: batch == 1 ? 50_000 : 300_000);
            rows.Add(core);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"core   batch={batch,4}: {core.CommittedEntriesPerSecond,12:N0} committed entries/s, {core.AllocatedBytesPerEntry,7:N1} B allocated per entry"));
        }

        foreach (var batch in new[] { 1, 64, 256 })
        {
            using var directory = new WorkDirectory(settings.WorkDirectory);
            var store = RaftLogStoreBenchmark.Run(directory.Path, batch, duration: settings.Duration);
            rows.Add(store);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store  batch={batch,4}: {store.EntriesPerSecond,12:N0} synced entries/s, {store.SyncedBatchesPerSecond,9:N0} synced writes/s"));
        }

        Console.WriteLine(JsonSerializer.Serialize(new { suite = "raft-core", rows }));
        return 0;
    }
}
