namespace JindoMeta.TableStore.Tests.Support;

internal static class Seeds
{
    /// <summary>How many seeds randomized tests run: env JINDO_SEEDS (CI sets 200), 20 when unset.</summary>
    public static int Count => int.TryParse(Environment.GetEnvironmentVariable("JINDO_SEEDS"), out var n) && n > 0 ? n : 20;

    /// <summary>Runs <paramref name="body"/> for every seed; a failure names the seed and how to replay it.</summary>
    public static void ForEach(string test, Action<int> body, params int[] fixedSeeds)
    {
        foreach (var seed in fixedSeeds.Concat(Enumerable.Range(1, Count)))
        {
            try
            {
                body(seed);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{test} failed for seed {seed}; replay by adding {seed} to its fixed seeds", e);
            }
        }
    }
}
