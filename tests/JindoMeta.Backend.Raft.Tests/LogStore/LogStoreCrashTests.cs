using System.Diagnostics;
using System.Globalization;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.LogStore;

/// <summary>SIGKILL a process while it appends synced batches: nothing it acknowledged may be lost or damaged.</summary>
public sealed class LogStoreCrashTests
{
    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    [InlineData(900)]
    public async Task Entries_acknowledged_before_SIGKILL_survive(int killAfterAcks)
    {
        using var directory = new TempDirectory();
        ulong acknowledged = 0;
        for (var round = 0; round < 2; round++)
        {
            // Round two restarts on the same directory and is killed again: recovery output must itself be durable.
            acknowledged = Math.Max(acknowledged, await RunChildAndKillAsync(directory.Path, killAfterAcks));

            using var store = RocksRaftLogStore.Open(directory.Path, [1, 2, 3]);
            Assert.True(store.LastIndex >= acknowledged, $"acknowledged up to {acknowledged} but the log ends at {store.LastIndex}");
            var entries = new List<Entry>();
            Assert.Equal(StorageStatus.Ok, store.Entries(store.FirstIndex, store.LastIndex + 1, ulong.MaxValue, entries));
            Assert.Equal((int)(store.LastIndex - store.FirstIndex + 1), entries.Count);
            foreach (var entry in entries)
            {
                var expected = CrashChild.ExpectedEntry(entry.Index);
                Assert.Equal(expected.Term, entry.Term);
                Assert.Equal(expected.Data, entry.Data);
            }

            Assert.True(store.HardState.Commit >= acknowledged && store.HardState.Commit <= store.LastIndex);
            Assert.Equal(StorageStatus.Ok, store.Snapshot(out var snapshot));
            if (snapshot.Index > 0)
            {
                // Compaction never runs ahead of the snapshot, and the snapshot record is intact.
                Assert.True(store.FirstIndex - 1 <= snapshot.Index);
                Assert.Equal(CrashChild.TermOf(snapshot.Index), snapshot.Term);
                Assert.Equal($"state@{snapshot.Index}", System.Text.Encoding.UTF8.GetString(snapshot.Data.ReadAll()));
            }
            Assert.Equal(StorageStatus.Ok, store.Term(store.FirstIndex - 1, out var startTerm));
            Assert.Equal(store.FirstIndex == 1 ? 0ul : CrashChild.TermOf(store.FirstIndex - 1), startTerm);
        }
    }

    private static async Task<ulong> RunChildAndKillAsync(string directory, int killAfterAcks)
    {
        var assembly = typeof(CrashChild).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("log-writer");
        start.ArgumentList.Add(directory);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        ulong acknowledged = 0;
        var acks = 0;
        var timeout = DateTime.UtcNow.AddSeconds(40);
        while (acks < killAfterAcks)
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line is null)
            {
                throw new InvalidOperationException($"child exited early: {await child.StandardError.ReadToEndAsync()}");
            }

            if (line.StartsWith("acked ", StringComparison.Ordinal))
            {
                acknowledged = ulong.Parse(line.AsSpan(6), CultureInfo.InvariantCulture);
                acks++;
            }

            if (DateTime.UtcNow > timeout)
            {
                break;
            }
        }

        child.Kill(entireProcessTree: true); // SIGKILL on Unix: no flush, no dispose, no finalizers.
        await child.WaitForExitAsync();
        return acknowledged;
    }
}
