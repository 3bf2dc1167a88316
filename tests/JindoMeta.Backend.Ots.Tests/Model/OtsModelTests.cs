using JindoMeta.Backend.Ots.Tests.Support;
using JindoMeta.Namespace.Tests.Reference;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Ots.Tests.Model;

/// <summary>
/// The ots backend against the reference model: seeded random sequences must give the model's outcome for every
/// operation and the model's tree, across a hand-over midway to a second server on the same table (which starts with
/// an empty cache, so the second half reads the table). JINDO_SEEDS/10 seeds (at least 3); JINDO_MODEL_SEED runs one.
/// </summary>
public sealed class OtsModelTests(ITestOutputHelper output)
{
    private const int OperationsPerSeed = 600;
    private const string Filter = "dotnet test tests/JindoMeta.Backend.Ots.Tests -c Release --filter \"FullyQualifiedName~OtsModelTests\"";

    [Fact]
    public async Task The_ots_backend_agrees_with_the_reference_model_across_a_hand_over_for_every_seed()
    {
        var seeds = ModelRunner.SeedsFromEnvironment();
        seeds = seeds.Count == 1 ? seeds : seeds.Take(Math.Max(3, seeds.Count / 10)).ToList();
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            var permissions = ModelRunner.PermissionsFor(seed);
            var clock = new ManualTimeProvider(ModelRunner.FormatTimeMs);
            var namespaceName = OtsTestTables.NewNamespace();
            var first = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:1"), permissions, clock);
            var runner = new ModelRunner(first, clock, new ReferenceNamespace(permissions, ModelRunner.FormatTimeMs), $"JINDO_MODEL_SEED={{seed}} {Filter}");
            try
            {
                await runner.RunSeedAsync(seed, OperationsPerSeed, beforeOperation: async index =>
                {
                    if (index == OperationsPerSeed / 2)
                    {
                        await runner.Backend.DisposeAsync();
                        runner.Backend = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "127.0.0.1:2"), permissions, clock);
                        await runner.CompareTreesAsync(seed, index);
                    }
                });
            }
            catch (ModelMismatchException mismatch)
            {
                failures.Add(mismatch.Message);
            }
            finally
            {
                await runner.Backend.DisposeAsync();
            }
        }

        output.WriteLine($"{seeds.Count} seeds x {OperationsPerSeed} ops, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} seeds failed; the first:\n{failures.FirstOrDefault()}");
    }
}
