using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.Tests.Reference;
using Xunit.Abstractions;

namespace JindoMeta.Backend.RocksDb.Tests.Model;

/// <summary>
/// The RocksDB backend against the reference model (shared, linked from JindoMeta.Namespace.Tests/Reference):
/// seeded random sequences with a reopen midway, and concurrent submitters on separate subtrees, each checked
/// against its own sequential model. JINDO_SEEDS sets the number of seeds; JINDO_MODEL_SEED runs one.
/// </summary>
public sealed class RocksDbModelTests(ITestOutputHelper output) : IDisposable
{
    private const int OperationsPerSeed = 1000;
    private const int ConcurrentSubmitters = 4;
    private const int OperationsPerSubmitter = 500;
    private const string Filter = "dotnet test tests/JindoMeta.Backend.RocksDb.Tests -c Release --filter \"FullyQualifiedName~RocksDbModelTests.";

    private readonly TempDirectory _temp = new("jindometa-model");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Backend_agrees_with_the_reference_model_across_a_reopen_for_every_seed()
    {
        var seeds = ModelRunner.SeedsFromEnvironment();
        var failures = await RunAllAsync(seeds, RunSequentialAsync);
        output.WriteLine($"{seeds.Count} seeds x {OperationsPerSeed} ops, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} seeds failed; the first:\n{failures.FirstOrDefault()}");
    }

    [Fact]
    public async Task Concurrent_submitters_on_separate_subtrees_each_agree_with_a_sequential_model()
    {
        // Each seed costs several submitters' worth of ops, so a tenth of the seeds (at least two) run here.
        var seeds = ModelRunner.SeedsFromEnvironment();
        seeds = seeds.Count == 1 ? seeds : seeds.Take(Math.Max(2, seeds.Count / 10)).ToList();
        var failures = await RunAllAsync(seeds, RunConcurrentAsync);
        output.WriteLine($"{seeds.Count} seeds x {ConcurrentSubmitters} submitters x {OperationsPerSubmitter} ops, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} seeds failed; the first:\n{failures.FirstOrDefault()}");
    }

    private static async Task<List<string>> RunAllAsync(IReadOnlyList<int> seeds, Func<int, Task> run)
    {
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            try
            {
                await run(seed);
            }
            catch (ModelMismatchException mismatch)
            {
                failures.Add(mismatch.Message);
            }
        }

        return failures;
    }

    /// <summary>One backend, one model; the backend is closed and reopened halfway and must carry on identically.</summary>
    private async Task RunSequentialAsync(int seed)
    {
        var directory = _temp.Sub($"seq-{seed}");
        var permissions = ModelRunner.PermissionsFor(seed);
        var clock = new ManualTimeProvider(ModelRunner.FormatTimeMs);
        var runner = new ModelRunner(Open(directory, permissions, clock), clock, new ReferenceNamespace(permissions, ModelRunner.FormatTimeMs),
            $"JINDO_MODEL_SEED={{seed}} {Filter}Backend_agrees_with_the_reference_model_across_a_reopen_for_every_seed\"");
        try
        {
            await runner.RunSeedAsync(seed, OperationsPerSeed, beforeOperation: async index =>
            {
                if (index == OperationsPerSeed / 2)
                {
                    await runner.Backend.DisposeAsync();
                    runner.Backend = Open(directory, permissions, clock);
                    await runner.CompareTreesAsync(seed, index);
                }
            });
        }
        finally
        {
            await runner.Backend.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Several tasks submit at once, each in its own subtree /tN with its own model; the clock stands still so every
    /// command's time is known whatever the interleaving (inode ids depend on it and are not compared).
    /// </summary>
    private async Task RunConcurrentAsync(int seed)
    {
        var directory = _temp.Sub($"concurrent-{seed}");
        var permissions = ModelRunner.PermissionsFor(seed);
        var clock = new ManualTimeProvider(ModelRunner.FormatTimeMs);
        var backend = Open(directory, permissions, clock);
        try
        {
            clock.NowMs += 1000;
            var runners = Enumerable.Range(0, ConcurrentSubmitters).Select(i =>
                new ModelRunner(backend, clock, new ReferenceNamespace(permissions, ModelRunner.FormatTimeMs),
                    $"JINDO_MODEL_SEED={{seed}} {Filter}Concurrent_submitters_on_separate_subtrees_each_agree_with_a_sequential_model\" (submitter {i})")
                {
                    Exclusive = false,
                }).ToList();
            await Task.WhenAll(runners.Select((runner, i) =>
                Task.Run(() => runner.RunSeedAsync((seed * 31) + i, OperationsPerSubmitter, under: $"/t{i}", checkpointEvery: 100))));

            await backend.DisposeAsync();
            backend = Open(directory, permissions, clock);
            foreach (var (runner, i) in runners.Select((r, i) => (r, i)))
            {
                runner.Backend = backend;
                await runner.CompareTreesAsync(seed, OperationsPerSubmitter, $"/t{i}");
            }
        }
        finally
        {
            await backend.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static RocksDbNamespaceBackend Open(string directory, PermissionSettings permissions, TimeProvider clock) =>
        RocksDbNamespaceBackend.Open(new RocksDbBackendOptions { DataDirectory = directory, SyncWrites = false }, permissions, clock);
}
