using System.Globalization;
using System.Text.Json;
using JindoMeta.Backend.Raft.Diagnostics;
using JindoMeta.Raft.Diagnostics;

namespace JindoMeta.Backend.Raft.Tests.LogStore;

/// <summary>Runs the raft measurements until JindoMeta.Bench wires them in:
/// <c>dotnet exec tests/JindoMeta.Backend.Raft.Tests/bin/Release/net10.0/JindoMeta.Backend.Raft.Tests.dll bench [seconds]</c>.
/// Prints a table, then one JSON line per configuration. Ratios are against batch size 1 in the same run.</summary>
internal static class BenchmarkProgram
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var ic = CultureInfo.InvariantCulture;
        Console.WriteLine("== raft core, 3 nodes in memory, no-op state machine, 128-byte payloads");
        Console.WriteLine("batch  entries/s      x batch1  alloc B/entry");
        RaftCoreBenchmarkResult? coreBaseline = null;
        var json = new List<string>();
        foreach (var batch in new[] { 1, 16, 64, 256 })
        {
            var result = RaftCoreBenchmark.Run(nodes: 3, batchSize: batch, entries: batch == 1 ? 100_000 : 500_000);
            coreBaseline ??= result;
            Console.WriteLine(string.Create(ic, $"{batch,5}  {result.CommittedEntriesPerSecond,12:N0}  {result.CommittedEntriesPerSecond / coreBaseline.CommittedEntriesPerSecond,8:F1}  {result.AllocatedBytesPerEntry,12:F0}"));
            json.Add(JsonSerializer.Serialize(new { benchmark = "raft-core", result.Nodes, result.BatchSize, result.PayloadBytes, result.CommittedEntries, result.Seconds, result.CommittedEntriesPerSecond, result.AllocatedBytesPerEntry }));
        }

        Console.WriteLine("== raft log store on RocksDB, synced Persist per batch, 128-byte payloads");
        Console.WriteLine("batch  entries/s      fsyncs/s  x batch1");
        RaftLogStoreBenchmarkResult? storeBaseline = null;
        foreach (var batch in new[] { 1, 16, 64, 256 })
        {
            var directory = Path.Combine(Path.GetTempPath(), "jindo-raftlog-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                var result = RaftLogStoreBenchmark.Run(directory, batch, duration: TimeSpan.FromSeconds(seconds));
                storeBaseline ??= result;
                Console.WriteLine(string.Create(ic, $"{batch,5}  {result.EntriesPerSecond,12:N0}  {result.SyncedBatchesPerSecond,8:N0}  {result.EntriesPerSecond / storeBaseline.EntriesPerSecond,8:F1}"));
                json.Add(JsonSerializer.Serialize(new { benchmark = "raft-log-store", result.BatchSize, result.PayloadBytes, result.Entries, result.SyncedWrites, result.Seconds, result.EntriesPerSecond, result.SyncedBatchesPerSecond }));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        foreach (var line in json)
        {
            Console.WriteLine(line);
        }

        return 0;
    }
}
