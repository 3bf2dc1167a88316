using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>
/// Issue 9's determinism proof: state machines in separate directories, fed the same long randomized log, end with
/// identical state checksums, whether they run straight through, are reopened midway, or start from a snapshot.
/// Seeds: JINDO_SEEDS / 10 (at least 2), each a log of <see cref="EntriesPerSeed"/> entries.
/// </summary>
public sealed class DeterminismTests
{
    private const int EntriesPerSeed = 3000;

    public static int SeedCount => int.TryParse(Environment.GetEnvironmentVariable("JINDO_SEEDS"), out var n) && n > 0 ? Math.Max(2, n / 10) : 2;

    [Fact]
    public void Three_machines_fed_the_same_log_end_with_identical_checksums_and_results()
    {
        ForEachSeed(seed =>
        {
            using var fixture = new StateMachineFixture();
            var log = RandomCommandLog.Generate(seed, EntriesPerSeed);
            var machines = new[] { fixture.Open("n1"), fixture.Open("n2"), fixture.Open("n3") };
            int succeeded = 0, failed = 0;

            foreach (var entry in log)
            {
                var results = machines.Select(m => Describe(m.Apply(entry))).ToArray();
                Assert.True(results.Distinct().Count() == 1, $"entry {entry.Index}: results differ: {string.Join(" | ", results)}");
                succeeded += results[0].StartsWith("Ok", StringComparison.Ordinal) ? 1 : 0;
                failed += results[0].StartsWith("Error", StringComparison.Ordinal) ? 1 : 0;
            }

            var checksums = machines.Select(m => m.ComputeChecksum()).ToArray();
            Assert.True(checksums.Distinct().Count() == 1, $"checksums differ: {string.Join(", ", checksums)}");
            Assert.All(machines, m => Assert.Equal((ulong)EntriesPerSeed, m.AppliedIndex));
            Assert.True(succeeded > EntriesPerSeed / 10 && failed > EntriesPerSeed / 10, $"the log should mix outcomes: {succeeded} ok, {failed} failed");
            Assert.True(checksums[0].Rows > 20, $"the tree should grow: {checksums[0]}");
        });
    }

    [Fact]
    public void A_machine_reopened_midway_resumes_from_its_applied_index_and_ends_identical()
    {
        ForEachSeed(seed =>
        {
            using var fixture = new StateMachineFixture();
            var log = RandomCommandLog.Generate(seed, EntriesPerSeed);
            var straight = fixture.Open("straight");
            StateMachineFixture.ApplyAll(straight, log);
            var interrupted = fixture.Open("interrupted");
            var stopAt = 1 + new Random(seed).Next(EntriesPerSeed - 2);
            StateMachineFixture.ApplyAll(interrupted, log.Take(stopAt));
            interrupted.Dispose();

            var reopened = fixture.Open("interrupted");
            Assert.Equal(log[stopAt - 1].Index, reopened.AppliedIndex);
            StateMachineFixture.ApplyAll(reopened, log.Where(e => e.Index > reopened.AppliedIndex));

            Assert.Equal(straight.ComputeChecksum(), reopened.ComputeChecksum());
        });
    }

    [Fact]
    public void A_snapshot_restored_into_a_fresh_machine_matches_and_then_applies_the_rest_identically()
    {
        ForEachSeed(seed =>
        {
            using var fixture = new StateMachineFixture();
            var log = RandomCommandLog.Generate(seed, EntriesPerSeed);
            var source = fixture.Open("source");
            var cut = EntriesPerSeed / 3;
            StateMachineFixture.ApplyAll(source, log.Take(cut));
            var atCut = source.ComputeChecksum();
            var snapshot = fixture.TakeSnapshot(source, (ulong)cut);
            StateMachineFixture.ApplyAll(source, log.Skip(cut));

            var fresh = fixture.Open("fresh");
            fresh.Restore(snapshot);
            Assert.Equal(atCut, fresh.ComputeChecksum());
            StateMachineFixture.ApplyAll(fresh, log.Skip(cut));

            Assert.Equal(source.ComputeChecksum(), fresh.ComputeChecksum());
        });
    }

    [Fact]
    public void A_corrupted_entry_in_the_log_stops_every_machine_at_the_same_index()
    {
        using var fixture = new StateMachineFixture();
        var log = RandomCommandLog.Generate(seed: 11, count: 200);
        var bad = log.FindIndex(e => e.Index > 100 && e.Data.Length > 0);
        log[bad] = log[bad] with { Data = [.. log[bad].Data[..^1]] }; // truncated payload
        var machines = new[] { fixture.Open("n1"), fixture.Open("n2") };

        foreach (var machine in machines)
        {
            var error = Assert.Throws<StateMachineStoppedException>(() => StateMachineFixture.ApplyAll(machine, log));
            Assert.Contains($"Raft entry {log[bad].Index} (term 1) cannot be decoded", error.Message, StringComparison.Ordinal);
            Assert.Equal(log[bad - 1].Index, machine.AppliedIndex);
        }

        Assert.Equal(machines[0].ComputeChecksum(), machines[1].ComputeChecksum());
    }

    private static string Describe(object? result) => result switch
    {
        null => "no-op",
        Result<FileStatus?> r when r.IsOk => $"Ok {r.Value?.Path} {r.Value?.Record.Id} {r.Value?.Record.ModificationTime}",
        Result<FileStatus?> r => $"Error {r.Error}",
        _ => throw new InvalidOperationException($"unexpected result {result.GetType().Name}"),
    };

    private static void ForEachSeed(Action<int> body)
    {
        for (var seed = 1; seed <= SeedCount; seed++)
        {
            try
            {
                body(seed);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"failed for seed {seed} (the log is RandomCommandLog.Generate({seed}, {EntriesPerSeed}))", e);
            }
        }
    }
}
