using System.Text.RegularExpressions;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>
/// Runs seeded operation sequences against a backend and the reference model side by side and demands the same
/// outcome for every operation and the same tree at checkpoints and at the end. On a mismatch it throws with
/// the seed, the op index, the op, both outcomes, the ops just before it and a one-line reproduction.
/// </summary>
public sealed class ModelRunner
{
    public const long FormatTimeMs = 1_700_000_000_000;

    private readonly ManualTimeProvider _clock;
    private readonly string _reproduction;

    /// <param name="reproduction">The command that re-runs one seed; "{seed}" is replaced by the seed.</param>
    public ModelRunner(INamespaceBackend backend, ManualTimeProvider clock, ReferenceNamespace model, string reproduction)
    {
        Backend = backend;
        _clock = clock;
        Model = model;
        _reproduction = reproduction;
    }

    public ReferenceNamespace Model { get; }

    /// <summary>The backend under test; replace it to continue on a reopened one.</summary>
    public INamespaceBackend Backend { get; set; }

    /// <summary>False when several runners share one backend and clock: time stays put and ids are not compared.</summary>
    public bool Exclusive { get; init; } = true;

    /// <summary>JINDO_MODEL_TRACE=FILE appends every op and the model's outcome to FILE, for debugging a seed.</summary>
    private static string? TraceFile { get; } = Environment.GetEnvironmentVariable("JINDO_MODEL_TRACE");

    /// <summary>Every tenth seed runs with permission checking off (dfs.permissions.enabled=false).</summary>
    public static PermissionSettings PermissionsFor(int seed) => seed % 10 == 0 ? new PermissionSettings(Enabled: false) : new PermissionSettings();

    /// <summary>Seeds to run: JINDO_MODEL_SEED alone when set, else JINDO_SEEDS (default 20) seeds from 1.</summary>
    public static IReadOnlyList<int> SeedsFromEnvironment()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("JINDO_MODEL_SEED"), out var single))
        {
            return [single];
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("JINDO_SEEDS"), out var n) && n > 0 ? n : 20;
        return Enumerable.Range(1, count).ToList();
    }

    /// <summary>Runs <paramref name="operations"/> generated ops from <paramref name="seed"/>, comparing as it goes.</summary>
    /// <param name="beforeOperation">Called with the op index before each op (e.g. to reopen a backend midway).</param>
    public async Task RunSeedAsync(int seed, int operations, string under = "/", int checkpointEvery = 500, Func<int, Task>? beforeOperation = null)
    {
        var generator = new OperationGenerator(seed, Model, under);
        var recent = new Queue<string>();
        var random = new Random(seed ^ 0x5EED);
        for (var index = 0; index < operations; index++)
        {
            if (beforeOperation is not null)
            {
                await beforeOperation(index);
            }

            var operation = generator.Next();
            // Time moves on by a random step, sometimes none (two commands in the same millisecond).
            if (Exclusive)
            {
                _clock.NowMs += random.Next(4) == 0 ? 0 : random.Next(1, 2000);
            }

            var expected = Normalize(ModelApply.Apply(Model, operation, _clock.NowMs));
            var actual = Normalize(await ModelApply.ApplyAsync(Backend, operation));
            var line = $"#{index} {ModelText.Describe(operation)} => {expected}";
            if (expected != actual)
            {
                Fail(seed, index, line, $"  expected (model):  {expected}\n  actual (backend):  {actual}", recent);
            }

            if (TraceFile is not null)
            {
                File.AppendAllText(TraceFile, $"seed={seed} {line}\n");
            }

            recent.Enqueue(line);
            if (recent.Count > 12)
            {
                recent.Dequeue();
            }

            if ((index + 1) % checkpointEvery == 0 || index == operations - 1)
            {
                await CompareTreesAsync(seed, index, under, recent);
            }
        }
    }

    public async Task CompareTreesAsync(int seed, int index, string under = "/", IEnumerable<string>? recent = null)
    {
        var expected = Normalize(TreeDump.Dump(Model, under));
        var actual = Normalize(await TreeDump.DumpAsync(Backend, under));
        if (expected != actual)
        {
            Fail(seed, index, $"tree after op #{index}", TreeDifference(expected, actual), recent ?? []);
        }
    }

    private void Fail(int seed, int index, string what, string detail, IEnumerable<string> recent) =>
        throw new ModelMismatchException(
            $"Model mismatch: seed={seed} op={index}: {what}\n{detail}\n" +
            $"  previous ops:\n    {string.Join("\n    ", recent)}\n" +
            $"  reproduce: {_reproduction.Replace("{seed}", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}");

    // Inode ids depend on the order of every command in the backend, which only an exclusive runner knows.
    private string Normalize(string text) => Exclusive ? text : Regex.Replace(text, @" id=\d+", "");

    private static string TreeDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var missing = expectedLines.Except(actualLines).Take(10);
        var extra = actualLines.Except(expectedLines).Take(10);
        return $"  only in model:\n    {string.Join("\n    ", missing)}\n  only in backend:\n    {string.Join("\n    ", extra)}";
    }
}

public sealed class ModelMismatchException(string message) : Exception(message);
