using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.Raft.Tests.Support;
using JindoMeta.Namespace.Tests.Reference;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Model;

/// <summary>
/// The raft backend (three in-process nodes) against the reference model: seeded random sequences, with leadership
/// handed to another node midway, must give the model's outcome for every operation and the model's tree; the three
/// replicas must then be identical. The model formats its root at the raft state's fixed format time. JINDO_SEEDS/10 seeds (at least 3); JINDO_MODEL_SEED runs one.
/// </summary>
public sealed class RaftModelTests(ITestOutputHelper output)
{
    private const int OperationsPerSeed = 600;
    private const string Filter = "dotnet test tests/JindoMeta.Backend.Raft.Tests -c Release --filter \"FullyQualifiedName~RaftModelTests\"";

    [Fact]
    public async Task The_raft_backend_agrees_with_the_reference_model_across_a_leadership_change_for_every_seed()
    {
        var seeds = ModelRunner.SeedsFromEnvironment();
        seeds = seeds.Count == 1 ? seeds : seeds.Take(Math.Max(3, seeds.Count / 10)).ToList();
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            var permissions = ModelRunner.PermissionsFor(seed);
            var clock = new ManualTimeProvider(ModelRunner.FormatTimeMs);
            await using var cluster = new InProcessRaftNamespace(permissions, clock);
            var runner = new ModelRunner(cluster, clock, new ReferenceNamespace(permissions, NamespaceStateMachine.FormatTimestampMs), $"JINDO_MODEL_SEED={{seed}} {Filter}");
            try
            {
                await runner.RunSeedAsync(seed, OperationsPerSeed, beforeOperation: async index =>
                {
                    if (index == OperationsPerSeed / 2)
                    {
                        await cluster.MoveLeaderAsync();
                        await runner.CompareTreesAsync(seed, index);
                    }
                });
                cluster.ReplicatedStateChecksum(); // throws if the replicas differ
            }
            catch (ModelMismatchException mismatch)
            {
                failures.Add(mismatch.Message);
            }
        }

        output.WriteLine($"{seeds.Count} seeds x {OperationsPerSeed} ops, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} seeds failed; the first:\n{failures.FirstOrDefault()}");
    }
}
