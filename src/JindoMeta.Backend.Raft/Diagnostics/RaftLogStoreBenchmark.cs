using System.Diagnostics;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Diagnostics;

/// <summary>One measured configuration of <see cref="RaftLogStoreBenchmark"/>.</summary>
public sealed record RaftLogStoreBenchmarkResult(int BatchSize, int PayloadBytes, long Entries, long SyncedWrites, double Seconds, double EntriesPerSecond, double SyncedBatchesPerSecond);

/// <summary>
/// Measures synced appends to <see cref="RocksRaftLogStore"/>: each <see cref="IRaftLogStore.Persist"/> carries one batch
/// of entries plus the hard state and is fdatasync'ed, as the driver does for each Ready. Batching is what turns the
/// disk's ~1–3 k fsyncs/s into entry throughput.
/// </summary>
public static class RaftLogStoreBenchmark
{
    public static RaftLogStoreBenchmarkResult Run(string directory, int batchSize, int payloadBytes = 128, TimeSpan? duration = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var limit = duration ?? TimeSpan.FromSeconds(3);
        using var store = RocksRaftLogStore.Open(directory, [1, 2, 3]);
        var payload = new byte[payloadBytes];
        var batch = new Entry[batchSize];
        var next = store.LastIndex + 1;

        // Warm-up: open files, JIT.
        for (var i = 0; i < 20; i++)
        {
            next = Append(store, batch, payload, next);
        }

        var syncedBefore = store.SyncedWrites;
        var watch = Stopwatch.StartNew();
        long entries = 0;
        while (watch.Elapsed < limit)
        {
            next = Append(store, batch, payload, next);
            entries += batchSize;
        }

        watch.Stop();
        var synced = store.SyncedWrites - syncedBefore;
        return new RaftLogStoreBenchmarkResult(batchSize, payloadBytes, entries, synced, watch.Elapsed.TotalSeconds,
            entries / watch.Elapsed.TotalSeconds, synced / watch.Elapsed.TotalSeconds);
    }

    private static ulong Append(RocksRaftLogStore store, Entry[] batch, byte[] payload, ulong next)
    {
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = new Entry(next + (ulong)i, 1, payload);
        }

        var last = next + (ulong)batch.Length - 1;
        store.Persist(new HardState(1, 1, last), batch, null, sync: true);
        return last + 1;
    }
}
