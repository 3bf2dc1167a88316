using System.Diagnostics;
using System.Globalization;
using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;
using Xunit.Abstractions;

namespace JindoMeta.Backend.RocksDb.Tests.Crash;

/// <summary>
/// Durability by killing: a child process runs 16 concurrent writers against one store and is SIGKILLed at a
/// random moment, many times over the same store. After each kill every acknowledged operation must be there,
/// the one in flight per worker either wholly there or wholly absent, and the store consistent.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 16;
    private readonly TempDirectory _temp = new("jindometa-crash");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Acknowledged_operations_survive_SIGKILL_and_nothing_is_half_applied()
    {
        var seeds = int.TryParse(Environment.GetEnvironmentVariable("JINDO_SEEDS"), out var s) ? s : 20;
        var rounds = Math.Clamp(seeds / 10, 4, 30);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("JINDO_CRASH_SEED"), out var fixedSeed) ? fixedSeed : Environment.TickCount;
        output.WriteLine($"crash test: {rounds} rounds, seed {seed} (reproduce with JINDO_CRASH_SEED={seed})");
        var random = new Random(seed);
        var verified = new Dictionary<int, SortedDictionary<string, EntryShape>>();
        var totalAcks = 0;
        for (var round = 0; round < rounds; round++)
        {
            var acked = await RunChildUntilKilled(round, TimeSpan.FromMilliseconds(random.Next(20, 400)));
            totalAcks += acked.Sum();
            CheckStoreConsistency();
            await using var backend = BackendHarness.Open(_temp.Path);
            for (var worker = 0; worker < Workers; worker++)
            {
                var actual = await Shape(backend, CrashWorkload.WorkerDirectory(round, worker));
                var done = acked[worker];
                var matches = Same(actual, CrashWorkload.Expected(done)) || Same(actual, CrashWorkload.Expected(done + 1));
                Assert.True(matches,
                    $"round {round} worker {worker}: {done} operations acknowledged but the store holds [{string.Join(", ", actual.Keys)}] " +
                    $"(expected [{string.Join(", ", CrashWorkload.Expected(done).Keys)}] or one more operation); seed {seed}");
            }

            verified[round] = await Shape(backend, $"/r{round}");
            foreach (var (earlier, shape) in verified)
            {
                Assert.True(Same(shape, await Shape(backend, $"/r{earlier}")), $"round {earlier}'s state changed after round {round}; seed {seed}");
            }

            await backend.MkdirsAsync($"/r{round}/after-restart"); // still writable after recovery
            verified[round] = await Shape(backend, $"/r{round}");
        }

        output.WriteLine($"{totalAcks} acknowledged operations checked over {rounds} kills");
        Assert.True(totalAcks > rounds * Workers, "the child acknowledged too few operations for the test to mean anything");
    }

    private async Task<int[]> RunChildUntilKilled(int round, TimeSpan runFor)
    {
        var start = new ProcessStartInfo(DotnetHost(), [typeof(CrashTests).Assembly.Location, CrashChild.Verb, _temp.Path, round.ToString(CultureInfo.InvariantCulture), Workers.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
        var acked = new int[Workers];
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failures = new List<string>();
        var reader = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                if (parts[0] == "ready")
                {
                    ready.TrySetResult();
                }
                else if (parts[0] == "ack")
                {
                    var worker = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    var sequence = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    Assert.Equal(acked[worker], sequence); // one at a time, in order
                    acked[worker] = sequence + 1;
                }
                else
                {
                    failures.Add(line);
                }
            }
        });
        var stderr = child.StandardError.ReadToEndAsync();
        var started = await Task.WhenAny(ready.Task, child.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (!ready.Task.IsCompleted)
        {
            child.Kill();
            Assert.Fail($"the crash child did not start: {await stderr}");
        }

        await Task.Delay(runFor);
        child.Kill(); // SIGKILL
        await child.WaitForExitAsync();
        await reader; // every ack printed before the kill is counted
        Assert.True(failures.Count == 0, "the child reported: " + string.Join("; ", failures));
        return acked;
    }

    /// <summary>Raw scan of the store: no orphaned rows, unique ids, counters ahead of what they count.</summary>
    private void CheckStoreConsistency()
    {
        using var database = RocksDatabase.Open(_temp.Path, new RocksDbOptions(), NamespaceSchema.Tables);
        var dentries = database.GetColumnFamily(NamespaceSchema.DentriesTable);
        var children = new Dictionary<long, List<long>>();
        var directories = new HashSet<long>();
        var ids = new HashSet<long>();
        var rows = 0;
        using (var iterator = database.NewIterator(dentries))
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                var (parentId, _) = NamespaceSchema.ParseDentryKey(iterator.Key);
                var record = InodeRecordCodec.Decode(iterator.Value);
                Assert.True(ids.Add(record.Id), $"inode id {record.Id} appears twice");
                (children.TryGetValue(parentId, out var list) ? list : children[parentId] = []).Add(record.Id);
                if (record.IsDirectory)
                {
                    directories.Add(record.Id);
                }

                rows++;
            }
        }

        var reachable = 0;
        var pending = new Stack<long>([NamespaceSchema.RootParentId]);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                reachable++;
                pending.Push(child);
            }
        }

        Assert.True(reachable == rows, $"{rows - reachable} dentry rows are orphaned (their parent is gone)");
        Assert.All(children.Keys.Where(p => p != NamespaceSchema.RootParentId), p => Assert.Contains(p, directories));
        var meta = database.GetColumnFamily(NamespaceSchema.MetaTable);
        var nextId = NamespaceSchema.ReadInt64Value(database.Get(meta, NamespaceSchema.MetaKeys.NextInodeId), "next id");
        Assert.True(nextId > ids.Max(), $"next inode id {nextId} is not above the largest id in use {ids.Max()}");
        var lastChange = NamespaceSchema.ReadInt64Value(database.Get(meta, NamespaceSchema.MetaKeys.LastChangeIndex), "last change");
        using var changes = database.NewIterator(database.GetColumnFamily(NamespaceSchema.ChangesTable));
        changes.SeekToLast();
        Assert.Equal(lastChange, changes.Valid ? NamespaceSchema.ReadInt64Value(changes.Key, "change key") : 0);
    }

    private static async Task<SortedDictionary<string, EntryShape>> Shape(RocksDbNamespaceBackend backend, string top)
    {
        var shape = new SortedDictionary<string, EntryShape>(StringComparer.Ordinal);
        foreach (var status in await backend.WalkAsync(top))
        {
            if (status.Path != top)
            {
                var record = status.Record;
                shape[status.Path[(top.Length + 1)..]] = new EntryShape(record.IsDirectory, record.Length, record.UnderConstruction, record.Permission);
            }
        }

        return shape;
    }

    private static bool Same(SortedDictionary<string, EntryShape> a, SortedDictionary<string, EntryShape> b) => a.SequenceEqual(b);

    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
